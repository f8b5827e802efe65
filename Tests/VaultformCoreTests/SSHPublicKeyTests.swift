import Testing
@testable import VaultformCore
@testable import VaultformManifest

/// An SSH CA's key type and size are read from its public key, as the engine's `key_type`
/// and `key_bits` name them, and the manifest's spellings are normalised to the same.
@Suite("SSH CA keys: the public key read, the manifest's spellings normalised")
struct SSHPublicKeyTests {
    @Test("RSA keys give their modulus size, EC keys their curve, ed25519 0; anything else is not read")
    func parsed() {
        #expect(SSHPublicKey(authorizedKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCeYpvol3oQ5JXVJ7D8APtQMZrcRWXgI/zxord6EutNAlAIrpEGz6kI1OkwkzARf8w7uAaio8J5djtoHOzybRlLcY7fyJYk+0fyBqphKXfBqpox4JjFszU+uiO+MiwlmulzuNgIV75ldKqOFO6iZEAKDvzdxhx4k6tmVB3zZ1IOdixULIIKCUlmW+Rm8W8M4kDKK5M2iseUuAMZ5XXPg/yA+uNzaFTENWlt/C1v51i1L/j7qUh7R/1b1wCKTlpM8iiA3FARLra9UJySyNvL4Jf1okOl9abQChA2D/0An1PJrNc7buG6cwNTC4AJSArvU8Styx10SBaLBF73FJ+deIIwYoD2x4w31dOvC6WLxypNRXBcCMpdZSaHgWMDfBVT/pZ2z6vwknuxjAaQrzP4wW1htKH0QvM+WS6GrAXgHVzUzdersnkHmU6XNPlDioxSK2UOvUUXsdU+pkZzrRUq+Hq9kaE4Zk+68qq84xrhtwoU5b00D/7rbkxOMN1155QnguE=\n") == SSHPublicKey(keyType: "rsa", keyBits: 3072))
        #expect(SSHPublicKey(authorizedKey: "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAElP9gHvSxpuqD5yrZpSZEQf6i0o3f/fX7QFv78AsP2wA5iijQzo7RbUMnCGlJVCR3txvTt813tfwbpdX89MLSQ9wBQ5XOtWlzYpWvqqBOJgL6S8iSdyPpAkOA8aUFFoefmejziOmbPGk9e5hf3KporicXA8gex3Ii2RUFI8gpiFVczfw== comment") == SSHPublicKey(keyType: "ec", keyBits: 521))
        #expect(SSHPublicKey(authorizedKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH7iBSnM171mb/fy9i916hty3w2o40bDAZJwTRxtQCGd") == SSHPublicKey(keyType: "ed25519", keyBits: 0))
        #expect(SSHPublicKey(authorizedKey: "ssh-rsa AAAA") == nil)
        #expect(SSHPublicKey(authorizedKey: "ssh-dss not-base64!") == nil)
        #expect(SSHPublicKey(authorizedKey: "") == nil)
    }

    @Test("the manifest's key types and sizes as the engine generates them")
    func normalised() {
        #expect(SSHKeyTypes.normalised(nil, bits: nil) == ("rsa", 4096))
        #expect(SSHKeyTypes.normalised("ssh-rsa", bits: 2048) == ("rsa", 2048))
        #expect(SSHKeyTypes.normalised("ec", bits: 0) == ("ec", 256))
        #expect(SSHKeyTypes.normalised("ecdsa-sha2-nistp384", bits: nil) == ("ec", 384))
        #expect(SSHKeyTypes.normalised("ssh-ed25519", bits: nil) == ("ed25519", 0))
    }
}
