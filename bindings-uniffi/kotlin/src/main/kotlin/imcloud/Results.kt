package imcloud

import imcloud.ffi.DownloadReply
import imcloud.ffi.Reply
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.longOrNull

private fun redact(v: JsonElement, secrets: List<String>): JsonElement = when {
    secrets.isEmpty() -> v
    v is JsonObject -> JsonObject(v.mapValues { (k, x) -> if (k in secrets) JsonPrimitive("***") else redact(x, secrets) })
    v is JsonArray -> JsonArray(v.map { redact(it, secrets) })
    else -> v
}

/** Typed reads of declared fields; a field the server leaves out is null. */
public abstract class Fields internal constructor() {
    internal abstract fun field(key: String): JsonElement?
    protected open val secretFields: List<String> get() = emptyList()

    internal fun str(key: String): String? = when (val v = field(key)) {
        null, JsonNull -> null
        is JsonPrimitive -> v.content
        else -> v.toString()
    }

    internal fun long(key: String): Long? = (field(key) as? JsonPrimitive)?.let { it.longOrNull ?: it.content.toLongOrNull() }
    internal fun bool(key: String): Boolean? = (field(key) as? JsonPrimitive)?.let { it.booleanOrNull ?: (it.content == "1") }
    internal fun strs(key: String): List<String>? = (field(key) as? JsonArray)?.map { (it as? JsonPrimitive)?.content ?: it.toString() }
    internal fun objs(key: String): List<JsonObject>? = (field(key) as? JsonArray)?.filterIsInstance<JsonObject>()
    internal fun elem(key: String): JsonElement? = field(key)

    internal fun shown(v: JsonElement): String = redact(v, secretFields).toString()
}

/** The answer of a call: typed properties for the declared fields, plus [data], [raw], [requestId], [host], [httpStatus]. */
public open class Result internal constructor(reply: Reply) : Fields() {
    /** The part of the body the operation declares as its result (the whole body for RongCloud). */
    public val data: JsonElement = Json.parseToJsonElement(reply.resultJson)
    /** The whole JSON body. */
    public val raw: JsonElement = Json.parseToJsonElement(reply.bodyJson)
    public val requestId: String = reply.requestId
    public val host: String = reply.host
    public val httpStatus: Int = reply.httpStatus.toInt()

    override fun field(key: String): JsonElement? = (data as? JsonObject)?.get(key)

    /** A field of [data] by its wire name. */
    public operator fun get(key: String): JsonElement? = field(key)

    override fun toString(): String = "${this::class.simpleName}(${shown(data)}, host=$host)"
}

/** One item of a list result. */
public open class Item internal constructor(public val raw: JsonElement) : Fields() {
    override fun field(key: String): JsonElement? = (raw as? JsonObject)?.get(key)
    override fun toString(): String = "${this::class.simpleName}(${shown(raw)})"
}

/** A result whose data is a list. */
public open class ListResult<I : Item> internal constructor(reply: Reply, private val make: (JsonElement) -> I) :
    Result(reply), Iterable<I> {
    public val items: List<I> get() = ((data as? JsonArray) ?: JsonArray(emptyList())).map(make)
    public val size: Int get() = (data as? JsonArray)?.size ?: 0
    public operator fun get(i: Int): I = items[i]
    override fun iterator(): Iterator<I> = items.iterator()
}

/** A finished download: [bytes] written, and [data] when it went into memory. */
public class DownloadResult internal constructor(reply: DownloadReply) {
    public val requestId: String = reply.requestId
    public val host: String = reply.host
    public val httpStatus: Int = reply.httpStatus.toInt()
    public val bytes: Long = reply.bytes.toLong()
    public val contentType: String? = reply.contentType
    public val data: ByteArray? = reply.data
    override fun toString(): String = "DownloadResult(bytes=$bytes, contentType=$contentType, host=$host)"
}

/** An upload source. */
public sealed class FileInput {
    /** A file on disk, streamed (and re-opened if the upload fails over). */
    public data class Path(val path: String) : FileInput()

    /** Bytes in memory, with the name to send. */
    public class Bytes(public val data: ByteArray, public val name: String = "file") : FileInput()

    public companion object {
        public fun of(path: java.nio.file.Path): FileInput = Path(path.toString())
    }
}
