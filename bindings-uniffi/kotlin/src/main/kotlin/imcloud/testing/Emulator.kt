package imcloud.testing

import imcloud.AgoraChat
import imcloud.Easemob
import imcloud.RongCloud
import imcloud.ffi.EmulatorHandle
import imcloud.args
import imcloud.native
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put

/** A local emulator of the RongCloud and Easemob / Agora Chat server APIs, for tests. Host 0 is the primary. */
public class Emulator @JvmOverloads constructor(hosts: Int = 2) : AutoCloseable {
    private val h = native { EmulatorHandle(buildJsonObject { put("hosts", hosts) }.toString()) }

    public val hosts: List<String> get() = native { h.hosts() }
    public val adminUrl: String get() = native { h.adminUrl() }

    /** Inject a fault: refuse, hang, status, rate_limit, quota_exceeded, delay, reset, truncate, garbage. */
    @JvmOverloads
    public fun setFault(host: Int, kind: String, times: Int? = null, status: Int? = null, retryAfter: Double? = null, ms: Long? = null, pathContains: String? = null) {
        val f = buildJsonObject {
            put("kind", kind)
            times?.let { put("times", it) }
            status?.let { put("status", it) }
            retryAfter?.let { put("retry_after", it) }
            ms?.let { put("ms", it) }
            pathContains?.let { put("path_contains", it) }
        }
        native { h.setFault(host.toUInt(), f.toString()) }
    }

    @JvmOverloads
    public fun clearFaults(host: Int? = null): Unit = native { h.clearFaults(host?.toUInt()) }

    /** What [host] received: method, path, query, operation, request_id, headers, body. */
    public fun requests(host: Int): List<JsonObject> = (Json.parseToJsonElement(native { h.requestsJson(host.toUInt()) }) as JsonArray).map { it as JsonObject }

    @JvmOverloads
    public fun requestCount(host: Int, operation: String? = null): Int =
        requests(host).count { operation == null || (it["operation"] as? JsonPrimitive)?.content == operation }

    public fun clearRequests(): Unit = native { h.clearRequests() }
    @JvmOverloads
    public fun setOnline(user: String, online: Boolean = true): Unit = native { h.setOnline(user, online) }
    public fun sentMessages(): List<JsonObject> = (Json.parseToJsonElement(native { h.sentMessagesJson() }) as JsonArray).map { it as JsonObject }
    public fun revokeTokens(): Unit = native { h.revokeTokens() }

    /** Settings (the core's snake_case map) of a client wired to this emulator: rongcloud, easemob or agora. */
    @JvmOverloads
    public fun clientConfig(kind: String, overrides: Map<String, Any> = emptyMap()): String {
        val base = Json.parseToJsonElement(native { h.clientConfig(kind) }) as JsonObject
        val extra = Json.parseToJsonElement(args(*overrides.toList().toTypedArray())) as JsonObject
        return JsonObject(base + extra).toString()
    }

    @JvmOverloads
    public fun rongcloud(overrides: Map<String, Any> = emptyMap()): RongCloud = RongCloud.fromConfigJson(clientConfig("rongcloud", overrides))
    @JvmOverloads
    public fun easemob(overrides: Map<String, Any> = emptyMap()): Easemob = Easemob.fromConfigJson(clientConfig("easemob", overrides))
    @JvmOverloads
    public fun agora(overrides: Map<String, Any> = emptyMap()): AgoraChat = AgoraChat.fromConfigJson(clientConfig("agora", overrides))

    override fun close() {
        native { h.stop() }
        h.close()
    }
}
