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

private fun parse(text: String): JsonElement = Json.parseToJsonElement(text)

/**
 * Reads of the declared result fields as the core normalised them (keyed by the declared
 * snake_case name, each value already of its declared type or null). Conversion only: a value of
 * another type would be a core bug, and reads as null.
 */
public abstract class Declared internal constructor(private val declared: JsonElement) {
    private fun field(name: String): JsonElement? = ((declared as? JsonObject)?.get(name)).takeUnless { it is JsonNull }

    internal fun str(name: String): String? = (field(name) as? JsonPrimitive)?.takeIf { it.isString }?.content
    internal fun long(name: String): Long? = (field(name) as? JsonPrimitive)?.takeUnless { it.isString }?.longOrNull
    internal fun bool(name: String): Boolean? = (field(name) as? JsonPrimitive)?.takeUnless { it.isString }?.booleanOrNull
    internal fun strs(name: String): List<String>? =
        (field(name) as? JsonArray)?.mapNotNull { (it as? JsonPrimitive)?.takeIf { p -> p.isString }?.content }
    internal fun objs(name: String): List<JsonObject>? = (field(name) as? JsonArray)?.filterIsInstance<JsonObject>()
    internal fun elem(name: String): JsonElement? = field(name)
}

/** The answer of a call: typed properties for the declared fields, plus [data], [raw], [requestId], [host], [httpStatus]. */
public open class Result internal constructor(reply: Reply, fields: JsonElement) : Declared(fields) {
    internal constructor(reply: Reply) : this(reply, parse(reply.fieldsJson))

    /** The part of the body the operation declares as its result (the whole body for RongCloud). */
    public val data: JsonElement = parse(reply.resultJson)
    /** The whole JSON body. */
    public val raw: JsonElement = parse(reply.bodyJson)
    public val requestId: String = reply.requestId
    public val host: String = reply.host
    public val httpStatus: Int = reply.httpStatus.toInt()

    /** [data] with the secret fields replaced by `***` (by the core): what [toString] shows. */
    internal val redacted: JsonElement = parse(reply.redactedJson)

    /** A field of [data] by its wire name. */
    public operator fun get(key: String): JsonElement? = (data as? JsonObject)?.get(key)

    override fun toString(): String = "${this::class.simpleName}($redacted, host=$host)"
}

/** One item of a list result: [raw] is the item as the server sent it. */
public open class Item internal constructor(public val raw: JsonElement, fields: JsonObject, private val redacted: JsonElement) :
    Declared(fields) {
    override fun toString(): String = "${this::class.simpleName}($redacted)"
}

/** A result whose data is a list. */
public open class ListResult<I : Item> internal constructor(reply: Reply, make: (JsonElement, JsonObject, JsonElement) -> I) :
    Result(reply, JsonNull), Iterable<I> {
    /** The items, each with its declared fields as the core normalised them. */
    public val items: List<I> = run {
        val rows = parse(reply.fieldsJson) as? JsonArray ?: JsonArray(emptyList())
        val sent = data as? JsonArray
        val shown = redacted as? JsonArray
        rows.mapIndexed { i, f -> make(sent?.getOrNull(i) ?: JsonNull, f as? JsonObject ?: JsonObject(emptyMap()), shown?.getOrNull(i) ?: JsonNull) }
    }
    public val size: Int get() = items.size
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
    public class Bytes @JvmOverloads constructor(public val data: ByteArray, public val name: String = "file") : FileInput()

    public companion object {
        @JvmStatic
        public fun of(path: java.nio.file.Path): FileInput = Path(path.toString())
    }
}
