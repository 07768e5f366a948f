import Foundation
import HummingbirdTesting
import Testing

/// Replays every `http-tests/**/*.json` scenario against a fresh in-memory server and compares each response with
/// its recorded expectation. `SIGNET_RECORD=1` rewrites the expectations from the live responses instead.
@Suite("HTTP contract")
struct ContractTests {
    static let recording = ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["SIGNET_RECORD"]?.lowercased() ?? "")
    /// How long a `"poll": true` step is retried.
    static let pollAttempts = 500
    static let pollInterval = Duration.milliseconds(20)

    @Test("the http-tests directory has cases for every surface")
    func casesExist() throws {
        let surfaces = Set(ContractFile.all.compactMap { $0.relativePath.split(separator: "/").first.map(String.init) })
        if ProcessInfo.processInfo.environment["SIGNET_HTTP_TESTS"] == nil {
            #expect(surfaces.isSuperset(of: ["ecr", "signer", "registry", "admin"]), "found \(surfaces.sorted()) under \(ContractFile.directory.path)")
        }
    }

    @Test("contract", arguments: ContractFile.all)
    func replay(_ file: ContractFile) async throws {
        let (document, steps) = try file.load()
        if Self.recording {
            try await record(file, document: document, steps: steps)
        } else {
            try await check(file, steps: steps)
        }
    }

    func check(_ file: ContractFile, steps: [Step]) async throws {
        try await withContractServer { client in
            var sender = StepSender(client: client)
            var bindings = Bindings()
            var failedBefore = false
            for step in steps {
                guard let expected = step.expected else {
                    Issue.record("http-tests/\(file.relativePath) \(step.label): no \"response\" yet; run with SIGNET_RECORD=1 to record it")
                    return
                }
                var attempt = 0
                while true {
                    attempt += 1
                    let live = try await sender.send(step, bindings: bindings)
                    var candidate = bindings
                    let differences = Expectation.differences(expected, live, bindings: &candidate)
                    if differences.isEmpty {
                        bindings = candidate
                        break
                    }
                    if step.poll, attempt < Self.pollAttempts {
                        try await Task.sleep(for: Self.pollInterval)
                        continue
                    }
                    Issue.record(Comment(rawValue: Self.report(file, step, differences, live, attempts: attempt, afterFailure: failedBefore)))
                    // go on (most steps stand alone), keeping what this response did bind for the steps that use it
                    failedBefore = true
                    bindings = candidate
                    break
                }
            }
        }
    }

    static func report(_ file: ContractFile, _ step: Step, _ differences: [Difference], _ live: LiveResponse, attempts: Int, afterFailure: Bool) -> String {
        var lines = [
            "http-tests/\(file.relativePath) \(step.label): the response differs from the contract"
                + (attempts > 1 ? " (after \(attempts) attempts)" : "") + (afterFailure ? " (an earlier step of this file failed too)" : "")
        ]
        for difference in differences { lines.append("  - \(difference)") }
        lines.append("  actual response:")
        lines.append(contentsOf: live.dump.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 })
        lines.append("  (if the new behaviour is intended: SIGNET_RECORD=1 SIGNET_HTTP_TESTS=\(file.relativePath) swift test --skip-build --filter SignetContractTests, then review git diff)")
        return lines.joined(separator: "\n")
    }

    func record(_ file: ContractFile, document: JSONValue, steps: [Step]) async throws {
        let responses = try await withContractServer { client in
            try await withContractServer { twinClient in
                var sender = StepSender(client: client)
                var twinSender = StepSender(client: twinClient)
                var recorder = Recorder(bindings: Bindings())
                var twinBindings = Bindings()
                var responses: [JSONValue] = []
                for step in steps {
                    var live = try await sender.send(step, bindings: recorder.bindings)
                    if step.poll, let expected = step.expected {
                        for _ in 1..<Self.pollAttempts {
                            var probe = recorder.bindings
                            if Expectation.differences(expected, live, bindings: &probe).isEmpty { break }
                            try await Task.sleep(for: Self.pollInterval)
                            live = try await sender.send(step, bindings: recorder.bindings)
                        }
                    }
                    var twin = try await twinSender.send(step, bindings: twinBindings)
                    let recorded = recorder.response(old: step.expected, live: live, twin: twin)
                    if step.poll {
                        for _ in 1..<Self.pollAttempts {
                            var probe = twinBindings
                            if Expectation.differences(recorded, twin, bindings: &probe).isEmpty { break }
                            try await Task.sleep(for: Self.pollInterval)
                            twin = try await twinSender.send(step, bindings: twinBindings)
                        }
                    }
                    // the twin binds the recorded placeholders from its own response, for its later requests
                    _ = Expectation.differences(recorded, twin, bindings: &twinBindings)
                    responses.append(recorded)
                }
                return responses
            }
        }
        var updated = document
        guard var stepValues = document["steps"]?.arrayValue else { return }
        for index in stepValues.indices {
            stepValues[index].set("response", responses[index])
        }
        updated.set("steps", .array(stepValues))
        let text = JSONWriter.pretty(updated)
        let before = (try? String(contentsOf: file.url, encoding: .utf8)) ?? ""
        if text != before {
            try text.write(to: file.url, atomically: true, encoding: .utf8)
            print("recorded http-tests/\(file.relativePath) (changed: review with git diff)")
        }
    }
}
