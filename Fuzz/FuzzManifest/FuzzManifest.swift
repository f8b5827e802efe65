// Fuzz target: the manifest loader (YAML parsing, variables, the shape check, validation).
// Built with libFuzzer by Fuzz/run.sh; without -DFUZZING it replays files given as arguments,
// so a crash the fuzzer found can be rerun and debugged as a plain program.
import Foundation
import VaultformManifest

func loadManifest(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    let result = ManifestLoader(inputs: VariableInputs(assignments: ["env=fuzz"])).load(sources: [("fuzz.yaml", text)])
    // Every diagnostic must carry a location inside the text, and rendering must not trap.
    for diagnostic in result.diagnostics { _ = diagnostic.description }
    if let manifest = result.manifest { _ = manifest.policies.map { $0.document.renderHCL() } }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    loadManifest(UnsafeRawBufferPointer(start: data, count: size))
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
            loadManifest(UnsafeRawBufferPointer(start: data, count: size))
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
            data.withUnsafeBytes(loadManifest)
            print("ok: \(path)")
        }
    }
}
#endif
