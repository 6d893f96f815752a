// The Swift face of imcloud over the UniFFI glue (module ImcloudFFI): the clients, the result
// envelope and JSON values. Every catalogue operation is an `async throws` method generated into
// Operations.swift (`cargo xtask gen`); ClientOptions.swift is generated too. Conversion only:
// the core validates, decodes result fields by their declared types and redacts secrets.

import Foundation
import ImcloudFFI

// MARK: - JSON values

/// Any JSON value: parameters of type `json`, and the raw answers.
public enum JSONValue: Codable, Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// The value parsed from JSON text.
    public static func parse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The value as JSON text.
    public var description: String {
        guard let data = try? JSONEncoder().encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }

    /// A member of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// `Name(a: 1, b: nil)`, for the results' descriptions (the generated code masks secret fields).
func describeFields(_ name: String, _ fields: [(String, Any?)]) -> String {
    let parts = fields.map { field -> String in
        let (key, value) = field
        if let value = value {
            return "\(key): \(value)"
        }
        return "\(key): nil"
    }
    return "\(name)(\(parts.joined(separator: ", ")))"
}

/// Parameters as the JSON text the core takes (nil members are left out).
func argsJSON<P: Encodable>(_ params: P) throws -> String {
    String(decoding: try JSONEncoder().encode(params), as: UTF8.self)
}

// MARK: - Results

/// The answer of a call, apart from its typed fields.
public struct Response: Sendable, CustomStringConvertible {
    /// The part of the body the operation declares as its result (the whole body for RongCloud).
    public let data: JSONValue
    /// The whole JSON body.
    public let raw: JSONValue
    public let requestId: String
    public let host: String
    public let httpStatus: Int
    /// `data` with the secret fields replaced by `***` (by the core): what `description` shows.
    public let redacted: JSONValue
    /// The declared fields as the core normalised them, keyed by their snake_case names.
    let fieldsJSON: Data

    init(_ reply: Reply) throws {
        data = try JSONValue.parse(reply.resultJson)
        raw = try JSONValue.parse(reply.bodyJson)
        requestId = reply.requestId
        host = reply.host
        httpStatus = Int(reply.httpStatus)
        redacted = try JSONValue.parse(reply.redactedJson)
        fieldsJSON = Data(reply.fieldsJson.utf8)
    }

    public var description: String { "Response(\(redacted), host=\(host))" }
}

/// One server-callback event: its declared `kind`, the typed `event` (the cloud's generated event
/// enum), and the body (or array item) as it came in `raw`.
public struct CallbackEvent<E: Sendable>: Sendable {
    public let kind: String
    public let event: E
    public let raw: JSONValue
}

/// The core's events (`[{"kind", "fields", "raw"}]` as JSON text), typed by `make`.
func callbackEvents<E: Sendable>(_ json: String, _ make: (String, Data) throws -> E) throws -> [CallbackEvent<E>] {
    guard case .array(let items) = try JSONValue.parse(json) else { return [] }
    return try items.map { item -> CallbackEvent<E> in
        guard case .string(let kind)? = item["kind"] else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a callback event has no kind"))
        }
        let fields = try JSONEncoder().encode(item["fields"] ?? .null)
        return CallbackEvent(kind: kind, event: try make(kind, fields), raw: item["raw"] ?? .null)
    }
}

/// A typed result (the generated `…Result` struct of an operation, or a list of its `…Item`s) and
/// the answer it came from: `reply.token` reads a field, `reply.response` has the rest.
@dynamicMemberLookup
public struct Typed<T: Decodable & Sendable>: Sendable, CustomStringConvertible {
    public let value: T
    public let response: Response

    init(_ reply: Reply) throws {
        response = try Response(reply)
        value = try JSONDecoder().decode(T.self, from: response.fieldsJSON)
    }

    public subscript<V>(dynamicMember path: KeyPath<T, V>) -> V { value[keyPath: path] }

    public var description: String { "\(T.self)(\(response.redacted), host=\(response.host))" }
}

extension Typed where T: RandomAccessCollection, T.Index == Int {
    /// An item of a list result.
    public subscript(index: Int) -> T.Element { value[index] }
}

/// A finished download: `bytes` written, and `data` when it went into memory.
public struct DownloadResult: Sendable, CustomStringConvertible {
    public let requestId: String
    public let host: String
    public let httpStatus: Int
    public let bytes: UInt64
    public let contentType: String?
    public let data: Data?

    init(_ reply: DownloadReply) {
        requestId = reply.requestId
        host = reply.host
        httpStatus = Int(reply.httpStatus)
        bytes = reply.bytes
        contentType = reply.contentType
        data = reply.data
    }

    public var description: String {
        "DownloadResult(bytes=\(bytes), contentType=\(contentType ?? "nil"), host=\(host))"
    }
}

/// An upload source.
public enum FileInput: Sendable {
    /// A file on disk, streamed (and re-opened if the upload fails over).
    case path(String)
    /// Bytes in memory, with the name to send.
    case bytes(Data, name: String)
}

// MARK: - Clients

/// The settings map the core takes: the client's own settings and the options, as JSON text.
func settingsJSON(_ own: [String: JSONValue], _ options: ClientOptions) throws -> String {
    var all = own
    if case .object(let o) = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(options)) {
        all.merge(o) { mine, _ in mine }
    }
    return JSONValue.object(all.filter { $0.value != .null }).description
}

func text(_ s: String?) -> JSONValue { s.map { .string($0) } ?? .null }
func texts(_ s: [String]?) -> JSONValue { s.map { .array($0.map { .string($0) }) } ?? .null }

/// The pages of a paged list, one call each; the core decides whether there is a next page, and
/// with which arguments (`next`). Cancelling the consuming task stops the calls.
func pageStream<T>(_ first: String, call: @escaping (String) async throws -> Reply,
                   next: @escaping (String, String) throws -> String?,
                   make: @escaping (Reply) throws -> T) -> AsyncThrowingStream<T, Error> {
    AsyncThrowingStream { continuation in
        let task = Task {
            do {
                var args: String? = first
                while let a = args {
                    let reply = try await call(a)
                    continuation.yield(try make(reply))
                    args = try next(a, reply.bodyJson)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
    }
}

/// RongCloud Server API client. Every catalogue operation is an `async throws` method.
public final class RongCloud: CustomStringConvertible {
    let native: RongCloudClient

    /// A client for a data centre (`region`: beijing, singapore, singapore_b, north_america,
    /// saudi_arabia) or your `hosts`.
    public init(appKey: String, appSecret: String, region: String? = nil, hosts: [String]? = nil,
                options: ClientOptions = ClientOptions()) throws {
        let own: [String: JSONValue] = [
            "app_key": .string(appKey), "app_secret": .string(appSecret), "region": text(region), "hosts": texts(hosts),
        ]
        native = try RongCloudClient(configJson: settingsJSON(own, options))
    }

    /// From the core's snake_case settings map as JSON (the emulator's, for tests).
    public init(configJSON: String) throws {
        native = try RongCloudClient(configJson: configJSON)
    }

    public var hosts: [String] { get throws { try native.hosts() } }

    /// Call any catalogue operation by name with its (snake_case) parameters as JSON text.
    public func call(_ operation: String, argsJSON: String) async throws -> Response {
        try Response(try await native.call(op: operation, argsJson: argsJSON))
    }

    func call<P: Encodable>(_ op: String, _ params: P) async throws -> Reply {
        try await native.call(op: op, argsJson: argsJSON(params))
    }

    func pages<P: Encodable, T>(_ op: String, _ params: P,
                                _ make: @escaping (Reply) throws -> T) throws -> AsyncThrowingStream<T, Error> {
        let native = self.native
        return pageStream(try argsJSON(params), call: { try await native.call(op: op, argsJson: $0) },
                          next: { try native.nextPage(op: op, argsJson: $0, bodyJson: $1) }, make: make)
    }

    /// Check a server callback's signature (query or headers) in constant time, within `window`
    /// seconds; with `rejectReplays`, a callback this client already accepted is refused.
    public func verifyCallback(query: [String: String] = [:], headers: [String: String] = [:],
                               window: Double = 300, rejectReplays: Bool = false) throws {
        try native.verifyCallback(query: query.map { [$0.key, $0.value] }, headers: headers.map { [$0.key, $0.value] },
                                  windowSecs: window, rejectReplays: rejectReplays)
    }

    /// Read a server callback's body into typed events (one per item of a JSON array such as
    /// online status). `contentType` is the request's header if known. Verify the signature first
    /// (`verifyCallback`); a body of no declared kind throws the core's invalid-argument error.
    public func parseCallback(body: Data, contentType: String? = nil) throws -> [CallbackEvent<RongCloudEvent>] {
        try callbackEvents(try native.parseCallback(body: body, contentType: contentType), RongCloudEvent.decode)
    }

    public var description: String { "RongCloud<\((try? native.describe()) ?? "?")>" }
}

/// Easemob / Agora Chat REST client.
public class Easemob: CustomStringConvertible {
    let native: EasemobClient

    /// `appKey` is `org_name#app_name`; authenticate with `clientId` + `clientSecret`.
    public convenience init(appKey: String, clientId: String, clientSecret: String, region: String? = nil,
                            hosts: [String]? = nil, tokenTtl: Int64? = nil,
                            options: ClientOptions = ClientOptions()) throws {
        try self.init(appKey: appKey, credentials: ["client_id": .string(clientId), "client_secret": .string(clientSecret)],
                      region: region, hosts: hosts, tokenTtl: tokenTtl, options: options)
    }

    init(appKey: String, credentials: [String: JSONValue], region: String?, hosts: [String]?, tokenTtl: Int64?,
         options: ClientOptions) throws {
        var own = credentials
        own["app_key"] = .string(appKey)
        own["region"] = text(region)
        own["hosts"] = texts(hosts)
        own["token_ttl"] = tokenTtl.map { .int($0) } ?? .null
        native = try EasemobClient(configJson: settingsJSON(own, options))
    }

    /// From the core's snake_case settings map as JSON (the emulator's, for tests).
    public init(configJSON: String) throws {
        native = try EasemobClient(configJson: configJSON)
    }

    public var hosts: [String] { get throws { try native.hosts() } }

    /// Call any catalogue operation by name with its (snake_case) parameters as JSON text.
    public func call(_ operation: String, argsJSON: String) async throws -> Response {
        try Response(try await native.call(op: operation, argsJson: argsJSON))
    }

    func call<P: Encodable>(_ op: String, _ params: P) async throws -> Reply {
        try await native.call(op: op, argsJson: argsJSON(params))
    }

    func pages<P: Encodable, T>(_ op: String, _ params: P,
                                _ make: @escaping (Reply) throws -> T) throws -> AsyncThrowingStream<T, Error> {
        let native = self.native
        return pageStream(try argsJSON(params), call: { try await native.call(op: op, argsJson: $0) },
                          next: { try native.nextPage(op: op, argsJson: $0, bodyJson: $1) }, make: make)
    }

    func upload<P: Encodable>(_ op: String, _ params: P, file: FileInput) async throws -> Reply {
        switch file {
        case .path(let path):
            return try await native.upload(op: op, argsJson: argsJSON(params), path: path, data: nil, name: nil)
        case .bytes(let data, let name):
            return try await native.upload(op: op, argsJson: argsJSON(params), path: nil, data: data, name: name)
        }
    }

    func download<P: Encodable>(_ op: String, _ params: P, dest: String?) async throws -> DownloadResult {
        DownloadResult(try await native.download(op: op, argsJson: argsJSON(params), path: dest))
    }

    /// The current app token (fetched or built if needed). Calls use it automatically.
    public func appToken() async throws -> String { try await native.appToken() }

    /// How many times this client fetched or built an app token.
    public var tokenFetches: UInt64 { get throws { try native.tokenFetches() } }

    /// Agora Chat: a user token for the user's UUID, valid `ttl` seconds (at most 86400).
    public func chatUserToken(userUuid: String, ttl: Int64 = 3600) throws -> String {
        try native.chatUserToken(userUuid: userUuid, ttl: ttl)
    }

    /// Read a server callback's JSON body into its typed event (a list of one): pre-send,
    /// post-send message, user status, moderation. Verify it first (`verifyCallback`).
    public func parseCallback(body: Data, contentType: String? = nil) throws -> [CallbackEvent<EasemobEvent>] {
        try callbackEvents(try native.parseCallback(body: body, contentType: contentType), EasemobEvent.decode)
    }

    /// Check a callback's `security` = md5(callId + secret + timestamp) in constant time, with its
    /// timestamp within `window` seconds of now. `secret` is the callback rule's secret (the
    /// console lists it with the rule), not the client secret.
    public func verifyCallback(body: Data, secret: String, window: Double = 300) throws {
        try native.verifyCallback(body: body, secret: secret, windowSecs: window)
    }

    public var description: String { "\(type(of: self))<\((try? native.describe()) ?? "?")>" }
}

/// Agora Chat: an `Easemob` client authenticated with the App ID and App Certificate.
public final class AgoraChat: Easemob {
    public convenience init(appKey: String, appId: String, appCertificate: String, region: String? = nil,
                            hosts: [String]? = nil, tokenTtl: Int64? = nil,
                            options: ClientOptions = ClientOptions()) throws {
        try self.init(appKey: appKey,
                      credentials: ["agora_app_id": .string(appId), "agora_app_certificate": .string(appCertificate)],
                      region: region, hosts: hosts, tokenTtl: tokenTtl, options: options)
    }
}
