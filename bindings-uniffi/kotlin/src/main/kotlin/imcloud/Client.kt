package imcloud

import imcloud.ffi.DownloadReply
import imcloud.ffi.Reply
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive

/** What every client does; the operations come from the catalogue ([RongCloudOperations], [EasemobOperations]). */
public abstract class Client internal constructor() : AutoCloseable {
    internal abstract suspend fun call(op: String, argsJson: String): Reply
    internal open suspend fun upload(op: String, argsJson: String, file: FileInput): Reply =
        throw UnsupportedOperationException("$op takes no file")
    internal open suspend fun download(op: String, argsJson: String, dest: String?): DownloadResult =
        throw UnsupportedOperationException("$op is not a download")

    internal abstract fun nextPage(op: String, argsJson: String, bodyJson: String): String?

    /** Call any catalogue operation by name with its (snake_case) parameters, e.g. for generic code. */
    public suspend fun call(operation: String, params: Map<String, Any?>): Result =
        Result(call(operation, args(*params.toList().toTypedArray())))

    /** Every page of a paged list operation by name, one call each (the typed `…Pages` functions are the usual way). */
    public fun pages(operation: String, params: Map<String, Any?>): Flow<Result> =
        pages(operation, args(*params.toList().toTypedArray())) { Result(it) }

    /** One call per page; the core decides whether there is a next page, and with which arguments. */
    internal fun <R> pages(op: String, argsJson: String, make: (Reply) -> R): Flow<R> = flow {
        var a = argsJson
        while (true) {
            val reply = call(op, a)
            emit(make(reply))
            a = nextPage(op, a, reply.bodyJson) ?: break
        }
    }
}

/**
 * A parameter value as JSON, or an [InvalidArgumentException] naming it ([path]): JSON has no NaN
 * or infinity (the core would otherwise see text that is not JSON), and other objects have no JSON form.
 */
private fun toJson(path: String, v: Any?): JsonElement = when (v) {
    is JsonElement -> v
    is String -> JsonPrimitive(v)
    is Double -> if (v.isFinite()) JsonPrimitive(v) else throw invalidArgument(path, "is $v; must be a finite number")
    is Float -> if (v.isFinite()) JsonPrimitive(v) else throw invalidArgument(path, "is $v; must be a finite number")
    is Number -> JsonPrimitive(v)
    is Boolean -> JsonPrimitive(v)
    is Map<*, *> -> JsonObject(v.entries.associate { (k, x) -> k.toString() to toJson("$path.$k", x) })
    is Iterable<*> -> JsonArray(v.mapIndexed { i, x -> toJson("$path[$i]", x) })
    is Array<*> -> JsonArray(v.mapIndexed { i, x -> toJson("$path[$i]", x) })
    null -> JsonNull
    else -> throw invalidArgument(path, "is a ${v::class.simpleName ?: v::class}, which has no JSON form")
}

/** The parameters of a call, as JSON text; nulls are left out. */
internal fun args(vararg pairs: Pair<String, Any?>): String =
    JsonObject(pairs.filter { it.second != null }.associate { (k, v) -> k to toJson(k, v) }).toString()
