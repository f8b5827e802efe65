// Fuzz target: the ACL policy parser (HCL and JSON) and its renderer. Whatever parses must
// render to HCL that parses again to the same document (the canonical form is a fixed point).
import Foundation
import VaultformPolicy

func checkPolicy(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard case .success(let document) = PolicyParser.parse(text) else { return }
    let rendered = document.renderHCL()
    guard case .success(let again) = PolicyParser.parse(rendered) else {
        fatalError("canonical HCL does not parse again:\n\(rendered)")
    }
    guard again == document else { fatalError("canonical HCL parses to a different policy:\n\(rendered)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    checkPolicy(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

#if FUZZING
/// libFuzzer's driver, entered from our own `main` (SwiftPM names the executable's entry
/// point itself, so libFuzzer's `main` cannot be used).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@main
struct Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv) { data, size in
            checkPolicy(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        })
    }
}
#else
/// Without libFuzzer: replays the files given as arguments.
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            data.withUnsafeBytes(checkPolicy)
            print("ok: \(path)")
        }
    }
}
#endif
