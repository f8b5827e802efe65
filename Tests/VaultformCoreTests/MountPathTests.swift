import Testing
import VaultformCore
import VaultformManifest
import VaultPath

/// The one mount-path normalisation: flags, manifests, addresses and the lock all reach a
/// mount through it, and "inside a mount" is decided by bytes, as the server decides it.
@Suite struct MountPathTests {
    @Test("a leading slash is dropped like a trailing one, so `/approle/` and `approle` are one mount")
    func bothEndsAreTrimmed() {
        #expect(MountPath.withSlash("/secret") == "secret/")
        #expect(MountPath.withoutSlash("/approle-ci/") == "approle-ci")
        #expect(MountPath.withoutSlash("//a/b//") == "a/b")
        #expect(MountPath.withoutSlash("secret") == "secret")
    }

    @Test("the part of a path below a mount: nested paths yes; the mount itself and look-alike prefixes no")
    func relativePaths() {
        #expect(MountPath.relative("secret/app/x", to: "secret") == "app/x")
        #expect(MountPath.relative("secret/app", to: "secret/") == "app")
        #expect(MountPath.relative("a/b", to: "a") == "b")
        #expect(MountPath.relative("secret", to: "secret") == nil)
        #expect(MountPath.relative("secret/", to: "secret") == nil)
        #expect(MountPath.relative("secretive/x", to: "secret") == nil)
        #expect(MountPath.relative("secret", to: "secret/app") == nil)
    }

    @Test("below a mount is decided by bytes: a canonically equal spelling is another mount on the server")
    func relativeIsByBytes() {
        let composed = "caf\u{E9}"  // é as one scalar
        let decomposed = "cafe\u{301}"  // e + combining acute accent
        #expect(MountPath.relative(decomposed + "/app", to: composed) == nil)
        #expect(MountPath.relative(composed + "/app", to: composed) == "app")
    }

    static func diagnostics(_ yaml: String) -> [String] {
        ManifestLoader().load(sources: [("m.yaml", yaml)]).diagnostics.map(\.message)
    }

    @Test("a manifest's schema and nested engines are placed by bytes, as the server places them")
    func manifestPlacesByBytes() {
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        let schema = Self.diagnostics("""
            version: 1
            secrets_engines: [{ path: "\(composed)", type: kv-v2 }]
            secret_schemas: [{ path: "\(decomposed)/app", fields: { a: { type: string } } }]
            """)
        #expect(schema.contains("secret schema `\(decomposed)/app` is not inside any secrets engine the manifest declares"), "\(schema)")
        let nested = Self.diagnostics("""
            version: 1
            secrets_engines: [{ path: "\(composed)", type: kv-v2 }, { path: "\(decomposed)/team", type: kv-v2 }]
            """)
        #expect(!nested.contains { $0.contains("lies inside") }, "\(nested)")
        let placed = Self.diagnostics("""
            version: 1
            secrets_engines: [{ path: "\(composed)", type: kv-v2 }]
            secret_schemas: [{ path: "\(composed)/app", fields: { a: { type: string } } }]
            """)
        #expect(placed.isEmpty, "\(placed)")
    }

    @Test("every nested pair is reported, in file order; a look-alike prefix is not nesting")
    func nestedPairs() {
        let found = Self.diagnostics("""
            version: 1
            secrets_engines:
              - { path: a/b/c, type: kv-v2 }
              - { path: a, type: kv-v2 }
              - { path: a/b, type: kv-v2 }
              - { path: ab/c, type: kv-v2 }
              - { path: b/a, type: kv-v2 }
            auth_methods: [{ path: x/y, type: approle }, { path: x, type: userpass }]
            """).filter { $0.contains("lies inside") }
        #expect(found == [
            "secrets engine `a/b/c` lies inside secrets engine `a`; the server refuses nested mounts",
            "secrets engine `a/b/c` lies inside secrets engine `a/b`; the server refuses nested mounts",
            "secrets engine `a/b` lies inside secrets engine `a`; the server refuses nested mounts",
            "auth method `x/y` lies inside auth method `x`; the server refuses nested mounts",
        ])
    }

    @Test("an object under a mount splits from its address name at the last slash")
    func splitNames() {
        #expect(MountPath.split("transit/k") == ("transit/", "k"))
        #expect(MountPath.split("team/approle/ci") == ("team/approle/", "ci"))
        #expect(MountPath.split("ci") == ("", "ci"))
    }

    @Test("the login mount of the applying token is matched through MountPath, by bytes")
    func loginMountByBytes() {
        let approle = ApplyingIdentity(policies: ["default"], loginPath: "auth/approle/login", roleName: "ci")
        #expect(approle.loggedIn(through: "approle"))
        #expect(approle.loggedIn(through: "approle/"))
        #expect(!approle.loggedIn(through: "approl"))
        #expect(!approle.loggedIn(through: "token/"))
        let decomposed = ApplyingIdentity(policies: ["default"], loginPath: "auth/cafe\u{301}/login", roleName: "ci")
        #expect(!decomposed.loggedIn(through: "caf\u{E9}"), "another mount on the server")
        #expect(decomposed.loggedIn(through: "cafe\u{301}"))
    }
}
