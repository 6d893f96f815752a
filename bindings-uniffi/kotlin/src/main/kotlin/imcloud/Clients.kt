package imcloud

import imcloud.ffi.DownloadReply
import imcloud.ffi.EasemobClient
import imcloud.ffi.Reply
import imcloud.ffi.RongCloudClient
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.Json

// ClientOptions is generated from catalogue/options.json (ClientOptions.kt).

private fun settings(own: List<Pair<String, Any?>>, options: ClientOptions): String =
    args(*(own + options.entries()).toTypedArray())

/** RongCloud Server API client. Every catalogue operation is a suspend function. */
public class RongCloud private constructor(private val native: RongCloudClient) : RongCloudOperations() {
    /** A client for a data centre (`region`: beijing, singapore, singapore_b, north_america, saudi_arabia) or your `hosts`. */
    @JvmOverloads
    public constructor(
        appKey: String,
        appSecret: String,
        region: String? = null,
        hosts: List<String>? = null,
        options: ClientOptions = ClientOptions(),
    ) : this(native { RongCloudClient(settings(listOf("app_key" to appKey, "app_secret" to appSecret, "region" to region, "hosts" to hosts), options)) })

    public val hosts: List<String> get() = native { native.hosts() }

    override suspend fun call(op: String, argsJson: String): Reply = native { native.call(op, argsJson) }

    override fun nextPage(op: String, argsJson: String, bodyJson: String): String? = native { native.nextPage(op, argsJson, bodyJson) }

    /**
     * Check a server callback's signature (query or headers) in constant time, within [window] seconds;
     * with [rejectReplays], a callback this client already accepted within the window is refused as a replay.
     */
    @JvmOverloads
    public fun verifyCallback(
        query: Map<String, String> = emptyMap(),
        headers: Map<String, String> = emptyMap(),
        window: Double = 300.0,
        rejectReplays: Boolean = false,
    ) {
        native { native.verifyCallback(query.map { listOf(it.key, it.value) }, headers.map { listOf(it.key, it.value) }, window, rejectReplays) }
    }

    /**
     * Read a server callback's body into typed events (one per item of a JSON array such as online
     * status), each a [RongCloudEvent]. [contentType] is the request's header if known. Verify the
     * signature first ([verifyCallback]). Throws [InvalidArgumentException] for a body of no declared kind.
     */
    @JvmOverloads
    public fun parseCallback(body: ByteArray, contentType: String? = null): List<RongCloudEvent> =
        rongcloudEvents(native { native.parseCallback(body, contentType) })

    /** [parseCallback] of a body given as text. */
    @JvmOverloads
    public fun parseCallback(body: String, contentType: String? = null): List<RongCloudEvent> =
        parseCallback(body.toByteArray(Charsets.UTF_8), contentType)

    override fun toString(): String = "RongCloud<${native { native.describe() }}>"
    override fun close(): Unit = native.close()

    public companion object {
        /** From the core's snake_case settings map as JSON (the emulator's, for tests). */
        @JvmStatic
        public fun fromConfigJson(json: String): RongCloud = RongCloud(native { RongCloudClient(json) })
    }
}

/** The native Easemob client for an app key, a pair of credentials (client or Agora), and settings. */
private fun easemobClient(
    appKey: String,
    id: Pair<String, String>,
    secret: Pair<String, String>,
    region: String?,
    hosts: List<String>?,
    tokenTtl: Long?,
    options: ClientOptions,
): EasemobClient = native {
    EasemobClient(settings(listOf("app_key" to appKey, id, secret, "region" to region, "hosts" to hosts, "token_ttl" to tokenTtl), options))
}

/** Easemob / Agora Chat REST client. */
public open class Easemob internal constructor(private val native: EasemobClient) : EasemobOperations() {
    /** `appKey` is `org_name#app_name`; authenticate with [clientId] + [clientSecret]. */
    @JvmOverloads
    public constructor(
        appKey: String,
        clientId: String,
        clientSecret: String,
        region: String? = null,
        hosts: List<String>? = null,
        tokenTtl: Long? = null,
        options: ClientOptions = ClientOptions(),
    ) : this(easemobClient(appKey, "client_id" to clientId, "client_secret" to clientSecret, region, hosts, tokenTtl, options))

    public val hosts: List<String> get() = native { native.hosts() }

    override suspend fun call(op: String, argsJson: String): Reply = native { native.call(op, argsJson) }

    override fun nextPage(op: String, argsJson: String, bodyJson: String): String? = native { native.nextPage(op, argsJson, bodyJson) }

    override suspend fun upload(op: String, argsJson: String, file: FileInput): Reply = native {
        when (file) {
            is FileInput.Path -> native.upload(op, argsJson, file.path, null, null)
            is FileInput.Bytes -> native.upload(op, argsJson, null, file.data, file.name)
        }
    }

    override suspend fun download(op: String, argsJson: String, dest: String?): DownloadResult =
        DownloadResult(native { native.download(op, argsJson, dest) })

    /** The current app token (fetched or built if needed). Calls use it automatically. */
    public suspend fun appToken(): String = native { native.appToken() }

    /** How many times this client fetched or built an app token. */
    public val tokenFetches: Long get() = native { native.tokenFetches() }.toLong()

    /** Agora Chat: a user token for the user's UUID, valid [ttl] seconds (≤ 86400; never wrapped or truncated). */
    @JvmOverloads
    public fun chatUserToken(userUuid: String, ttl: Long = 3600): String = native { native.chatUserToken(userUuid, ttl) }

    /**
     * Read a server callback's JSON body into its typed event (a list of one), an [EasemobEvent]:
     * pre-send, post-send message, user status, moderation. Verify it first ([verifyCallback]).
     * Throws [InvalidArgumentException] for a body of no declared kind.
     */
    @JvmOverloads
    public fun parseCallback(body: ByteArray, contentType: String? = null): List<EasemobEvent> =
        easemobEvents(native { native.parseCallback(body, contentType) })

    /** [parseCallback] of a body given as text. */
    @JvmOverloads
    public fun parseCallback(body: String, contentType: String? = null): List<EasemobEvent> =
        parseCallback(body.toByteArray(Charsets.UTF_8), contentType)

    /**
     * Check a callback's `security` = md5(callId + [secret] + timestamp) in constant time, with its
     * timestamp within [window] seconds of now. [secret] is the callback rule's secret (the console
     * lists it with the rule), not the client secret. Throws [AuthenticationException] if it does not verify.
     */
    @JvmOverloads
    public fun verifyCallback(body: ByteArray, secret: String, window: Double = 300.0) {
        native { native.verifyCallback(body, secret, window) }
    }

    /** [verifyCallback] of a body given as text. */
    @JvmOverloads
    public fun verifyCallback(body: String, secret: String, window: Double = 300.0): Unit =
        verifyCallback(body.toByteArray(Charsets.UTF_8), secret, window)

    override fun toString(): String = "${this::class.simpleName}<${native { native.describe() }}>"
    override fun close(): Unit = native.close()

    public companion object {
        @JvmStatic
        public fun fromConfigJson(json: String): Easemob = Easemob(native { EasemobClient(json) })
    }
}

/** Agora Chat: an [Easemob] client authenticated with the App ID and App Certificate. */
public class AgoraChat private constructor(native: EasemobClient) : Easemob(native) {
    @JvmOverloads
    public constructor(
        appKey: String,
        appId: String,
        appCertificate: String,
        region: String? = null,
        hosts: List<String>? = null,
        tokenTtl: Long? = null,
        options: ClientOptions = ClientOptions(),
    ) : this(easemobClient(appKey, "agora_app_id" to appId, "agora_app_certificate" to appCertificate, region, hosts, tokenTtl, options))

    public companion object {
        @JvmStatic
        public fun fromConfigJson(json: String): AgoraChat = AgoraChat(native { EasemobClient(json) })
    }
}

/** The endpoint catalogue of `"rongcloud"` or `"easemob"`. */
public fun catalogue(cloud: String): JsonObject = Json.parseToJsonElement(native { imcloud.ffi.catalogue(cloud) }) as JsonObject

/** `hex(sha1(appSecret + nonce + timestamp))`. */
public fun rongcloudSignature(appSecret: String, nonce: String, timestamp: String): String =
    native { imcloud.ffi.rongcloudSignature(appSecret, nonce, timestamp) }

/** The core's callback events JSON as (kind, raw, fields) triples. */
internal fun callbackEvents(eventsJson: String): List<Triple<String, JsonElement, JsonObject>> =
    (Json.parseToJsonElement(eventsJson) as JsonArray).map {
        val e = it as JsonObject
        Triple((e["kind"] as JsonPrimitive).content, e["raw"] ?: JsonNull, e["fields"] as? JsonObject ?: JsonObject(emptyMap()))
    }
