import Foundation
import VaultAPI

// The lock's pure part: what an entry says, what a read of it means, and what an acquirer
// does next. No I/O and no clock here: every time is passed in, so the tests drive it with
// made-up times and no sleeps. `ApplyLock+Storage.swift` reads and writes the entry;
// `ApplyLock.swift` runs the loop.

/// What the lock's KV v2 entry holds. It is not a secret, and holds no token: only enough
/// for a person to find the process that holds the lock.
public enum LockEntry: Sendable, Equatable {
    /// A process holds the lock (or held it and died; its TTL then says when it is free).
    case held(LockClaim)
    /// The holder let go, or `force-unlock` removed it: the lock is free.
    case released(by: String)
    /// Something vaultform did not write. Treated as held until its version is a TTL old,
    /// so a stray write can block applies for a while but never forever.
    case unreadable

    /// Reads the entry's `data` object.
    public init(data: JSONValue?) {
        guard let data else {
            self = .unreadable
            return
        }
        switch data["state"]?.stringValue {
        case "held":
            // Numbers may arrive as strings when a person wrote the entry with `bao kv put`.
            func number(_ key: String) -> Double? { data[key]?.doubleValue ?? data[key]?.stringValue.flatMap(Double.init) }
            guard let owner = data["owner"]?.stringValue, !owner.isEmpty,
                  let ttl = number("ttl_seconds"), ttl > 0, ttl.isFinite
            else {
                self = .unreadable
                return
            }
            self = .held(LockClaim(
                owner: owner, host: data["host"]?.stringValue ?? "?", pid: number("pid").flatMap { Int(exactly: $0) } ?? 0,
                operation: data["operation"]?.stringValue ?? "vaultform", ttl: .seconds(ttl),
                acquiredAt: data["acquired_at"]?.stringValue.flatMap(LockTime.parse)))
        case "released":
            self = .released(by: data["released_by"]?.stringValue ?? "")
        default:
            self = .unreadable
        }
    }

    /// The `data` object to write. `now` only fills `expires_at`, which is there for people
    /// reading the entry with `bao kv get`; vaultform itself goes by the version's
    /// `created_time`, which the server stamps.
    public func data(now: Date) -> JSONValue {
        switch self {
        case .held(let claim):
            var members: [String: JSONValue] = [
                "state": "held", "owner": .string(claim.owner), "host": .string(claim.host),
                "pid": .number(Double(claim.pid)), "operation": .string(claim.operation),
                "ttl_seconds": .number(claim.ttl.inSeconds),
                "expires_at": .string(LockTime.format(now.addingTimeInterval(claim.ttl.inSeconds))),
            ]
            if let acquiredAt = claim.acquiredAt { members["acquired_at"] = .string(LockTime.format(acquiredAt)) }
            return .object(members)
        case .released(let by):
            return ["state": "released", "released_by": .string(by), "released_at": .string(LockTime.format(now))]
        case .unreadable:
            return [:]
        }
    }
}

/// A holder's claim on the lock, as written in the entry.
public struct LockClaim: Sendable, Equatable {
    /// A random ID per process: what `force-unlock` asks for, and how a holder recognises
    /// its own entry (after a write whose answer was lost, say).
    public var owner: String
    /// The holder's host name.
    public var host: String
    /// The holder's process ID on that host.
    public var pid: Int
    /// What the holder is doing, such as `vaultform apply` (never arguments that may hold secrets).
    public var operation: String
    /// How long after each renewal the claim lapses if the holder does not renew it again.
    public var ttl: Duration
    /// When the holder first took the lock (the server's time of its first write); absent in
    /// that first write itself, which is its own `created_time`.
    public var acquiredAt: Date?

    /// A claim.
    public init(owner: String, host: String, pid: Int, operation: String, ttl: Duration, acquiredAt: Date? = nil) {
        self.owner = owner
        self.host = host
        self.pid = pid
        self.operation = operation
        self.ttl = ttl
        self.acquiredAt = acquiredAt
    }
}

/// What one read of the lock's KV v2 entry found.
public enum LockObservation: Sendable, Equatable {
    /// No entry (never written, or its metadata deleted): take it with `cas` 0.
    case absent
    /// The latest version was soft-deleted or destroyed (`bao kv delete`): free, and taken
    /// with `cas` equal to that version.
    case deleted(version: Int)
    /// A live version: `createdTime` is the server's clock at the write, which is what a
    /// claim's TTL counts from.
    case present(version: Int, createdTime: Date, entry: LockEntry)

    /// The version a check-and-set write must name to replace what was read.
    public var version: Int {
        switch self {
        case .absent: 0
        case .deleted(let version), .present(let version, _, _): version
        }
    }
}

/// Who holds the lock, for messages and for `force-unlock`.
public struct LockHolder: Sendable, Equatable, CustomStringConvertible {
    /// The claim as written; nil for an entry vaultform cannot read.
    public var claim: LockClaim?
    /// The entry's version.
    public var version: Int
    /// The server's time of the holder's last write (its last renewal).
    public var renewedAt: Date
    /// When the claim lapses unless renewed: `renewedAt` plus the claim's TTL.
    public var expiresAt: Date

    /// A holder as read from the entry.
    public init(claim: LockClaim?, version: Int, renewedAt: Date, expiresAt: Date) {
        self.claim = claim
        self.version = version
        self.renewedAt = renewedAt
        self.expiresAt = expiresAt
    }

    /// The holder's owner ID, or "" for an entry vaultform cannot read.
    public var owner: String { claim?.owner ?? "" }
    /// Since when the holder has held the lock.
    public var since: Date { claim?.acquiredAt ?? renewedAt }

    /// `vaultform apply on host ci-3 (pid 4242), since 2026-…Z, until 2026-…Z`.
    public var description: String {
        guard let claim else {
            return "an entry vaultform did not write (version \(version), written \(LockTime.format(renewedAt))), "
                + "until \(LockTime.format(expiresAt))"
        }
        return "\(claim.operation) on host \(claim.host) (pid \(claim.pid)), since \(LockTime.format(since)), "
            + "until \(LockTime.format(expiresAt))"
    }
}

/// What a read of the lock means for a would-be holder `owner` at the server's time `now`.
public enum LockAssessment: Sendable, Equatable {
    /// Nobody holds it: write a claim with this `cas`.
    case free(cas: Int)
    /// Someone held it but did not renew in time: take it over with this `cas`. When two
    /// processes try, the server lets exactly one check-and-set through.
    case expired(LockHolder, cas: Int)
    /// Someone else holds it until `holder.expiresAt`.
    case held(LockHolder)
    /// The entry is this owner's own claim (a write whose answer was lost, or a renewal).
    case ours(version: Int, renewedAt: Date, acquiredAt: Date)

    /// Decides. An unreadable entry counts as held for `fallbackTTL` from its write. A claim
    /// expires when `now` reaches its version's `created_time` plus its TTL; both times are
    /// the server's, so the holder's and the reader's clocks do not matter.
    public static func of(_ observation: LockObservation, owner: String, now: Date, fallbackTTL: Duration) -> LockAssessment {
        switch observation {
        case .absent, .deleted:
            return .free(cas: observation.version)
        case .present(let version, let createdTime, let entry):
            let claim: LockClaim?
            switch entry {
            case .released:
                return .free(cas: version)
            case .held(let held):
                if held.owner == owner {
                    return .ours(version: version, renewedAt: createdTime, acquiredAt: held.acquiredAt ?? createdTime)
                }
                claim = held
            case .unreadable:
                claim = nil
            }
            let ttl = claim?.ttl ?? fallbackTTL
            let holder = LockHolder(
                claim: claim, version: version, renewedAt: createdTime, expiresAt: createdTime.addingTimeInterval(ttl.inSeconds))
            return now >= holder.expiresAt ? .expired(holder, cas: version) : .held(holder)
        }
    }
}

/// The acquirer's loop as a state machine: after each read it says what to do next (write a
/// claim, wait, give up, or done), and the caller performs it. After a check-and-set
/// mismatch the caller reads again and asks again.
public struct LockAcquisition: Sendable {
    /// The acquirer's owner ID.
    public let owner: String
    /// How long to wait for another holder before giving up (zero: fail at once).
    public let timeout: Duration
    /// The pause between reads while another process holds the lock, before jitter.
    public let pollInterval: Duration
    /// How long an unreadable entry blocks the lock.
    public let fallbackTTL: Duration
    /// The holder last seen, so waiting is announced once per holder.
    public private(set) var lastHolder: LockHolder?

    /// What to do next.
    public enum Action: Sendable, Equatable {
        /// Write the claim with this check-and-set version; `replacing` is the expired
        /// holder being taken over, if any.
        case write(cas: Int, replacing: LockHolder?)
        /// The lock is already this owner's (at `version`).
        case acquired(version: Int, renewedAt: Date, acquiredAt: Date)
        /// Another process holds it: read again after the pause. `newHolder` is true the first
        /// time this holder is seen, when the caller says it is waiting.
        case wait(Duration, holder: LockHolder, newHolder: Bool)
        /// The timeout passed with another process still holding the lock.
        case fail(holder: LockHolder)
    }

    /// A machine for one acquisition.
    public init(owner: String, timeout: Duration, pollInterval: Duration, fallbackTTL: Duration) {
        self.owner = owner
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.fallbackTTL = fallbackTTL
    }

    /// The next step after a read.
    /// - Parameters:
    ///   - observation: what the read found.
    ///   - now: the server's time at the read (its `Date` header), which a claim's expiry is
    ///     compared with.
    ///   - elapsed: time since the acquisition started, on the acquirer's monotonic clock.
    ///   - jitter: a number in 0...1 that spreads the pauses of acquirers waiting together.
    public mutating func next(_ observation: LockObservation, now: Date, elapsed: Duration, jitter: Double) -> Action {
        switch LockAssessment.of(observation, owner: owner, now: now, fallbackTTL: fallbackTTL) {
        case .free(let cas):
            return .write(cas: cas, replacing: nil)
        case .expired(let holder, let cas):
            return .write(cas: cas, replacing: holder)
        case .ours(let version, let renewedAt, let acquiredAt):
            return .acquired(version: version, renewedAt: renewedAt, acquiredAt: acquiredAt)
        case .held(let holder):
            // An unreadable entry has no owner; a new version of it counts as a new holder.
            let isNew = lastHolder.map { $0.owner != holder.owner || (holder.claim == nil && $0.version != holder.version) } ?? true
            lastHolder = holder
            let remaining = timeout - elapsed
            guard remaining > .zero else { return .fail(holder: holder) }
            // Poll with jitter (0.5 to 1.5 times the interval), but no later than just after
            // the claim would lapse, and no later than the timeout, when one last read decides.
            let spread = pollInterval * (0.5 + min(max(jitter, 0), 1))
            let untilExpiry = Duration.seconds(holder.expiresAt.timeIntervalSince(now)) + .milliseconds(50)
            let pause = max(min(spread, untilExpiry, remaining), .milliseconds(10))
            return .wait(pause, holder: holder, newHolder: isNew)
        }
    }
}

/// The holder's side of the TTL: when to renew, and until when its claim is surely its own.
/// It counts from the moment each write was *sent*, which is never later than the server's
/// `created_time` for it, so the holder stops trusting its claim no later than any other
/// process may take it over.
public struct LockTenure: Sendable, Equatable {
    /// The claim's TTL.
    public let ttl: Duration
    /// When the last successful write was sent, on the holder's monotonic clock.
    public private(set) var lastWriteSent: Duration

    /// A tenure starting with a write sent at `sent`.
    public init(ttl: Duration, sent: Duration) {
        self.ttl = ttl
        self.lastWriteSent = sent
    }

    /// Renewals come every third of the TTL, so two can fail before the claim lapses.
    public var renewalInterval: Duration { ttl / 3 }

    /// After a failed renewal, try again this soon (still well inside the TTL).
    public var retryInterval: Duration { max(min(ttl / 10, .seconds(5)), .milliseconds(50)) }

    /// The time after which another process may have taken the lock over.
    public var validUntil: Duration { lastWriteSent + ttl }

    /// Records a successful renewal whose write was sent at `sent`.
    public mutating func renewed(sent: Duration) {
        lastWriteSent = max(lastWriteSent, sent)
    }

    /// Whether the claim is surely still this holder's at `now`.
    public func isValid(at now: Duration) -> Bool { now < validUntil }

    /// When the next renewal is due.
    public var nextRenewal: Duration { lastWriteSent + renewalInterval }
}

/// Times as the lock writes and reads them.
public enum LockTime {
    /// RFC 3339 in UTC with whole seconds: `2026-11-29T03:27:50Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Reads RFC 3339 as the server writes it, with up to nine fractional digits
    /// (`2026-11-29T03:27:50.250042798Z`) and a `Z` or `±HH:MM` offset. Read byte by byte:
    /// apply reads the lock before every write, and Foundation's formatter cloned an ICU
    /// parser on each call, a tenth of apply's CPU.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var at = 0
        func number(_ count: Int) -> Int? {
            guard at + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[at..<(at + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            at += count
            return value
        }
        func expect(_ allowed: Set<UInt8>) -> Bool {
            guard at < bytes.count, allowed.contains(bytes[at]) else { return false }
            at += 1
            return true
        }
        let (dash, colon, tee) = (UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "T"))
        guard let year = number(4), expect([dash]), let month = number(2), expect([dash]), let day = number(2),
              expect([tee, UInt8(ascii: "t")]), let hour = number(2), expect([colon]), let minute = number(2), expect([colon]),
              let second = number(2),
              (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            var scale = 0.1, digits = 0
            while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
                fraction += Double(bytes[at] - 0x30) * scale
                scale /= 10
                digits += 1
                at += 1
            }
            guard digits > 0 else { return nil }
        }
        var offset = 0
        if expect([UInt8(ascii: "Z"), UInt8(ascii: "z")]) {
            offset = 0
        } else if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") {
            let sign = bytes[at] == UInt8(ascii: "-") ? -1 : 1
            at += 1
            guard let hours = number(2), expect([colon]), let minutes = number(2), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard at == bytes.count else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Reads an HTTP `Date` header (`Sun, 29 Nov 2026 03:27:57 GMT`, RFC 9110's IMF-fixdate).
    /// Whole seconds, so the server's true time is up to a second later: comparisons with it
    /// err on the side of "not expired yet".
    public static func parseHTTP(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20, bytes[7] == 0x20, bytes[11] == 0x20,
              bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"), bytes[25] == 0x20,
              String(decoding: bytes[26...], as: UTF8.self) == "GMT",
              ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(String(decoding: bytes[0..<3], as: UTF8.self)),
              let monthIndex = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
                .firstIndex(of: String(decoding: bytes[8..<11], as: UTF8.self))
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        let month = monthIndex + 1
        guard let day = number(5..<7), let year = number(12..<16), let hour = number(17..<19), let minute = number(20..<22),
              let second = number(23..<25), (1...daysIn(month: month, year: year)).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        let seconds = daysFromCivil(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + min(second, 59)
        return Date(timeIntervalSince1970: Double(seconds))
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
    /// `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Duration {
    /// The duration in seconds, fractions kept.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
