package imcloud

import imcloud.ffi.DownloadReply
import imcloud.ffi.Reply
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.future.future
import kotlinx.coroutines.runBlocking
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
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

    /** [pages] for Java: a lazy [Iterable], each step of an iterator one blocking call ([callBlocking]). */
    internal fun <R> pageIterable(op: String, argsJson: String, make: (Reply) -> R): Iterable<R> = Iterable {
        object : Iterator<R> {
            private var next: String? = argsJson

            override fun hasNext(): Boolean = next != null

            override fun next(): R {
                val a = next ?: throw NoSuchElementException("$op: no more pages")
                val reply = callBlocking { call(op, a) }
                next = nextPage(op, a, reply.bodyJson)
                return make(reply)
            }
        }
    }

    /** [pages] for Java futures: the first page's future; each [Page] makes the next one's. */
    internal fun <R> pageFuture(op: String, argsJson: String, make: (Reply) -> R): CompletableFuture<Page<R>> = callAsync {
        val reply = call(op, argsJson)
        val next = nextPage(op, argsJson, reply.bodyJson)
        Page(make(reply), next?.let { a -> { pageFuture(op, a, make) } })
    }

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
 * One page of a paged list, for Java futures (the `…Pages` methods of [RongCloudAsync] and
 * [EasemobAsync]): its [result], and [next], the following page's future (one call), while [hasNext].
 */
public class Page<R> internal constructor(public val result: R, private val more: (() -> CompletableFuture<Page<R>>)?) {
    /** Whether a page follows this one. */
    public fun hasNext(): Boolean = more != null

    /** The next page's future (each call of this makes the request again), or null after the last page. */
    public fun next(): CompletableFuture<Page<R>>? = more?.invoke()

    override fun toString(): String = "Page($result, hasNext=${hasNext()})"
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

/**
 * The Java views' one way of running a suspend call blocking ([RongCloudBlocking], [EasemobBlocking]).
 * The call runs on [Dispatchers.IO], never on the caller's thread or dispatcher, so blocking a
 * coroutine thread (even a single-threaded dispatcher's) cannot deadlock it. Interrupting the
 * waiting thread cancels the call (the native request is dropped), keeps the thread's interrupt
 * flag and throws [CancellationException]; errors are the typed [ImcloudException]s.
 */
internal fun <T> callBlocking(block: suspend () -> T): T = try {
    runBlocking(Dispatchers.IO) { block() }
} catch (e: InterruptedException) {
    Thread.currentThread().interrupt()
    throw CancellationException("interrupted; the call was cancelled").apply { initCause(e) }
}

/** Where the Java futures run: a supervisor, so one failed call does not cancel the others. */
private val javaScope = CoroutineScope(SupervisorJob() + Dispatchers.IO)

/**
 * The Java views' one way of running a suspend call as a [CompletableFuture] ([RongCloudAsync],
 * [EasemobAsync]): it completes with the result or exceptionally with the typed
 * [ImcloudException]; cancelling the future cancels the call (the native request is dropped).
 */
internal fun <T> callAsync(block: suspend () -> T): CompletableFuture<T> = javaScope.future { block() }
