package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.intOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import java.io.File
import java.lang.reflect.InvocationTargetException
import java.net.URLDecoder
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.reflect.KFunction
import kotlin.reflect.KParameter
import kotlin.reflect.KType
import kotlin.reflect.KVisibility
import kotlin.reflect.full.callSuspendBy
import kotlin.reflect.full.memberFunctions
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlin.test.fail

private fun camel(name: String): String =
    name.split('.', '_').let { p -> p[0] + p.drop(1).joinToString("") { it.replaceFirstChar(Char::uppercase) } }

/** The value at a dotted path (`data.entities.0`; `$` is the root) of a JSON value, or null. */
private fun getPath(v: JsonElement?, path: String): JsonElement? =
    if (path == "\$") v else path.split('.').fold(v) { cur, part ->
        when (cur) {
            is JsonObject -> cur[part]
            is JsonArray -> part.toIntOrNull()?.let { cur.getOrNull(it) }
            else -> null
        }
    }

/** The Kotlin type a declared result field's accessor returns (other types: any JSON). */
internal fun declaredType(type: String, v: Any): Boolean = when (type) {
    "string" -> v is String
    "int" -> v is Long
    "bool" -> v is Boolean
    "string_list" -> v is List<*> && v.all { it is String }
    "object_list" -> v is List<*> && v.all { it is JsonObject }
    else -> v is JsonElement
}

/** The accessor of a declared field: a Kotlin property `fooBar` is `getFooBar()` (or `isFoo()` for `isFoo`). */
internal fun read(obj: Any, field: String): Any? {
    val prop = camel(field)
    val getter = obj.javaClass.methods.firstOrNull { it.parameterCount == 0 && (it.name == "get" + prop.replaceFirstChar(Char::uppercase) || it.name == prop) }
    assertNotNull(getter, "${obj.javaClass.simpleName} has no accessor for declared field $field")
    return getter.invoke(obj)
}

/** The catalogue each client kind speaks, and the prefix of its generated result classes. */
private val CLOUD = mapOf("rongcloud" to "rongcloud", "easemob" to "easemob", "agora" to "easemob")
private val PREFIX = mapOf("rongcloud" to "RongCloud", "easemob" to "Easemob")

/** More pages than any scenario reads: a list that does not end fails instead of hanging. */
private const val MAX_PAGES = 100
private val OPERATIONS: Map<String, Map<String, JsonObject>> = PREFIX.keys.associateWith { cloud ->
    (catalogue(cloud)["operations"] as JsonArray).map { it as JsonObject }.associateBy { it["name"]!!.jsonPrimitive.content }
}

/**
 * [result] (of a typed call of [op]) is the operation's generated result class, and each declared
 * field reads through its accessor as its declared type, present whenever it was sent.
 */
fun checkTyped(kind: String, op: String, result: Any) {
    val cloud = CLOUD.getValue(kind)
    val decl = assertNotNull(OPERATIONS.getValue(cloud)[op], "$op: not in the $cloud catalogue")
    val response = decl["response"] as JsonObject
    val shape = response["shape"]!!.jsonPrimitive.content
    if (shape == "bytes") {
        assertTrue(result is DownloadResult, "$op: a DownloadResult, got ${result.javaClass.simpleName}")
        assertEquals(result.bytes, result.data!!.size.toLong(), "$op: the bytes reported")
        return
    }
    val name = PREFIX.getValue(cloud) + camel(op).replaceFirstChar(Char::uppercase)
    assertEquals("imcloud.${name}Result", result.javaClass.name, "$op: the generated result class")
    result as Result
    val fields = (response["fields"] as? JsonArray ?: JsonArray(emptyList())).map { it as JsonObject }
    val rows: List<Pair<Any, JsonElement?>> = if (result is ListResult<*>) {
        assertEquals("array", shape, "$op: a list result for a $shape answer")
        assertEquals((result.data as JsonArray).size, result.size, "$op: one item per element")
        result.items.forEach { assertEquals("imcloud.${name}Item", it.javaClass.name, "$op: the generated item class") }
        result.items.map { it to it.raw }
    } else {
        listOf(result to result.data)
    }
    for ((obj, sent) in rows) {
        for (f in fields) {
            val field = f["name"]!!.jsonPrimitive.content
            val type = f["type"]!!.jsonPrimitive.content
            val value = read(obj, field)
            val wire = getPath(sent, f["wire"]!!.jsonPrimitive.content)
            if (wire != null && wire !is JsonNull) assertNotNull(value, "$op.$field was sent ($wire) but reads as null")
            if (value != null) assertTrue(declaredType(type, value), "$op.$field is declared $type but reads as ${value::class.simpleName} $value")
        }
    }
}

/** Arguments a typed method cannot take (a missing or unknown parameter, a value of another type). */
private class Refused(message: String) : Exception(message)

/** A scenario's JSON argument as the Kotlin value a typed parameter of [type] takes. */
private fun typedValue(type: KType, v: JsonElement, at: String): Any? {
    if (v is JsonNull) return if (type.isMarkedNullable) null else throw Refused("$at: null for a ${type}")
    val prim = v as? JsonPrimitive
    fun str(e: JsonElement) = (e as? JsonPrimitive)?.takeIf { it.isString }?.content ?: throw Refused("$at: not a string: $e")
    return when (type.classifier) {
        String::class -> str(v)
        Long::class -> prim?.takeUnless { it.isString }?.longOrNull ?: throw Refused("$at: not an integer: $v")
        Boolean::class -> prim?.takeUnless { it.isString }?.booleanOrNull ?: throw Refused("$at: not a boolean: $v")
        JsonElement::class -> v
        List::class -> {
            val items = v as? JsonArray ?: throw Refused("$at: not a list: $v")
            when (type.arguments.single().type?.classifier) {
                String::class -> items.map { str(it) }
                JsonObject::class -> items.map { it as? JsonObject ?: throw Refused("$at: not an object: $it") }
                else -> throw Refused("$at: a list of ${type.arguments.single()}")
            }
        }
        Map::class -> (v as? JsonObject ?: throw Refused("$at: not an object: $v")).mapValues { str(it.value) }
        else -> throw Refused("$at: a parameter of type $type")
    }
}

/**
 * The language-neutral scenarios (the JSON files under tests/scenarios) through the Kotlin binding's typed
 * methods, each found by its catalogue name. Every catalogue operation is the call under test of some
 * scenario (the Rust runner checks that), so this calls every operation, and checks every successful
 * call's typed result against the declaration ([checkTyped]). Nothing here names an operation.
 */
class ScenariosTest {
    private val dir = File(System.getProperty("imcloud.scenarios") ?: "../../tests/scenarios")

    private fun subst(v: JsonElement, vars: Map<String, String>): JsonElement = when (v) {
        is JsonPrimitive -> if (!v.isString) v else {
            val m = Regex("""^\$\{(\d+) (chars|users)\}$""").find(v.content)
            if (m != null) {
                val n = m.groupValues[1].toInt()
                if (m.groupValues[2] == "chars") JsonPrimitive("x".repeat(n)) else JsonArray((0 until n).map { JsonPrimitive("u$it") })
            } else JsonPrimitive(vars.entries.fold(v.content) { s, (k, x) -> s.replace("\${$k}", x) })
        }
        is JsonArray -> JsonArray(v.map { subst(it, vars) })
        is JsonObject -> JsonObject(v.mapValues { subst(it.value, vars) })
    }

    private fun subset(exp: JsonElement, act: JsonElement?, at: String) {
        // null expects the field absent or null (as the Rust runner reads a missing field)
        if (exp is JsonNull) return assertTrue(act == null || act is JsonNull, "$at: expected null or absent, got $act")
        if (exp is JsonPrimitive && exp.isString && exp.content == "\$any") return assertTrue(act != null && act !is JsonNull, "$at: missing")
        if (exp is JsonPrimitive && exp.isString && exp.content == "\$nonempty") {
            val ok = (act is JsonPrimitive && act.isString && act.content.isNotEmpty()) || (act is JsonArray && act.isNotEmpty())
            return assertTrue(ok, "$at: expected non-empty, got $act")
        }
        when (exp) {
            is JsonObject -> {
                assertTrue(act is JsonObject, "$at: expected an object, got $act")
                for ((k, v) in exp) subset(v, act[k], "$at.$k")
            }
            is JsonArray -> {
                assertTrue(act is JsonArray && act.size == exp.size, "$at: expected ${exp.size} items, got $act")
                exp.forEachIndexed { i, e -> subset(e, act[i], "$at[$i]") }
            }
            is JsonPrimitive -> {
                val same = act is JsonPrimitive && (act.content == exp.content) && (act.isString == exp.isString)
                assertTrue(same, "$at: expected $exp, got $act")
            }
        }
    }

    /** The typed method of [op] on [client]: `user.block.add` is `userBlockAdd`. */
    private fun method(client: Client, op: String): KFunction<*> {
        val name = camel(op)
        val found = client::class.memberFunctions.filter { it.name == name && it.isSuspend && it.visibility == KVisibility.PUBLIC }
        return found.singleOrNull() ?: fail("$op: ${found.size} public suspend methods named $name on ${client::class.simpleName}")
    }

    /** Calls [op] through its typed method (or [Refused]): the typed result. */
    private suspend fun typedCall(client: Client, op: String, args: JsonObject, file: JsonObject?): Any {
        val fn = method(client, op)
        val params = fn.parameters.filter { it.kind == KParameter.Kind.VALUE }.associateBy { it.name!! }
        val call = mutableMapOf<KParameter, Any?>(fn.parameters.first { it.kind == KParameter.Kind.INSTANCE } to client)
        for ((k, v) in args) {
            val p = params[camel(k)] ?: throw Refused("$op has no parameter ${camel(k)} (for $k)")
            call[p] = typedValue(p.type, v, k)
        }
        if (file != null) {
            val p = params["file"] ?: throw Refused("$op takes no file")
            val data = file["text"]?.jsonPrimitive?.content?.toByteArray() ?: ByteArray(file["size"]!!.jsonPrimitive.intOrNull!!)
            call[p] = FileInput.Bytes(data, file["name"]!!.jsonPrimitive.content)
        }
        params.values.filter { !it.isOptional && it !in call }.forEach { throw Refused("$op: ${it.name} is required") }
        return try {
            fn.callSuspendBy(call)!!
        } catch (e: InvocationTargetException) {
            throw e.targetException
        }
    }

    /** What a scenario compares: the result's data, or the downloaded text. */
    private fun compared(res: Any): JsonElement =
        if (res is DownloadResult) JsonObject(mapOf("downloaded_text" to JsonPrimitive(String(res.data!!)))) else (res as Result).data

    /** Calls [op] through its typed method, checks the typed result, and answers what the scenario compares. */
    private suspend fun invoke(client: Client, kind: String, op: String, args: JsonObject, file: JsonObject?): JsonElement {
        val res = typedCall(client, op, args, file)
        checkTyped(kind, op, res)
        return compared(res)
    }

    /** Reads [op] through its typed page flow (`…Pages`) to the end, checks each page's typed result, and answers the pages' data. */
    private suspend fun invokePages(client: Client, kind: String, op: String, args: JsonObject): JsonElement {
        val name = camel(op) + "Pages"
        val fn = client::class.memberFunctions.filter { it.name == name && !it.isSuspend && it.visibility == KVisibility.PUBLIC }
            .singleOrNull() ?: fail("$op: no public function $name on ${client::class.simpleName}")
        val params = fn.parameters.filter { it.kind == KParameter.Kind.VALUE }.associateBy { it.name!! }
        val call = mutableMapOf<KParameter, Any?>(fn.parameters.first { it.kind == KParameter.Kind.INSTANCE } to client)
        for ((k, v) in args) {
            val p = params[camel(k)] ?: fail("$op has no parameter ${camel(k)} (for $k)")
            call[p] = typedValue(p.type, v, k)
        }
        val flow = try {
            fn.callBy(call) as Flow<*>
        } catch (e: InvocationTargetException) {
            throw e.targetException
        }
        // more pages than any scenario reads: a list that does not end fails instead of hanging
        val pages = flow.take(MAX_PAGES + 1).toList()
        assertTrue(pages.size <= MAX_PAGES, "$op: more than $MAX_PAGES pages")
        return JsonArray(pages.map { page -> checkTyped(kind, op, page!!); compared(page) })
    }

    /** For an error scenario whose arguments the typed method refuses itself: the generic path, so the core's error is checked all the same. */
    private suspend fun generic(client: Client, op: String, args: JsonObject, file: JsonObject?) {
        if (file != null) {
            val data = file["text"]?.jsonPrimitive?.content?.toByteArray() ?: ByteArray(file["size"]!!.jsonPrimitive.intOrNull!!)
            client.upload(op, args.toString(), FileInput.Bytes(data, file["name"]!!.jsonPrimitive.content))
        } else if (OPERATIONS.values.any { ((it[op]?.get("response") as? JsonObject)?.get("shape") as? JsonPrimitive)?.content == "bytes" }) {
            client.download(op, args.toString(), null)
        } else {
            client.call(op, args.mapValues { it.value })
        }
    }

    private fun header(r: JsonObject, name: String): String? =
        r["headers"]!!.jsonArray.map { it.jsonArray }.firstOrNull { it[0].jsonPrimitive.content.equals(name, true) }?.get(1)?.jsonPrimitive?.content

    private fun checkRequests(emu: Emulator, op: String, exp: JsonObject) {
        val reqs = emu.hosts.indices.flatMap { emu.requests(it) }
            .filter { (it["operation"] as? JsonPrimitive)?.takeIf { p -> p.isString }?.content == op }
            .sortedBy { it["at_ms"]!!.jsonPrimitive.longOrNull }
        exp["requests_per_host"]?.jsonArray?.let { per ->
            val got = per.indices.map { h -> reqs.count { it["host"]!!.jsonPrimitive.intOrNull == h } }
            assertEquals(per.map { it.jsonPrimitive.intOrNull }, got, "requests per host")
        }
        val want = exp["requests"]?.jsonArray ?: return
        assertEquals(want.size, reqs.size, "requests of $op")
        want.forEachIndexed { i, w0 ->
            val w = w0.jsonObject
            val r = reqs[i]
            val at = "requests[$i]"
            for (key in listOf("host", "method", "path", "query", "body")) w[key]?.let { subset(it, r[key], "$at.$key") }
            w["content_type"]?.let { assertTrue((header(r, "content-type") ?: "").startsWith(it.jsonPrimitive.content), "$at.content_type") }
            w["form"]?.let { form ->
                val got = mutableMapOf<String, MutableList<JsonElement>>()
                for (pair in r["body"]!!.jsonPrimitive.content.split('&').filter { it.isNotEmpty() }) {
                    val (k, v) = pair.split('=', limit = 2).map { URLDecoder.decode(it, "UTF-8") }
                    got.getOrPut(k) { mutableListOf() }.add(JsonPrimitive(v))
                }
                subset(form, JsonObject(got.mapValues { JsonArray(it.value) }), "$at.form")
            }
            w["json"]?.let { subset(it, Json.parseToJsonElement(r["body"]!!.jsonPrimitive.content), "$at.json") }
            w["headers"]?.jsonObject?.forEach { (name, v) ->
                val h = header(r, name) ?: fail("$at: header $name missing")
                subset(v, JsonPrimitive(h), "$at.headers.$name")
            }
        }
    }

    private fun run(sc: JsonObject): Unit = runBlocking {
        Emulator(sc["hosts"]?.jsonPrimitive?.intOrNull ?: 2).use { emu ->
            val kind = sc["client"]!!.jsonPrimitive.content
            val client: Client = when (kind) {
                "rongcloud" -> emu.rongcloud()
                "easemob" -> emu.easemob()
                else -> emu.agora()
            }
            val vars = mutableMapOf<String, String>()
            for (step in sc["setup"]?.jsonArray ?: JsonArray(emptyList())) {
                val s = step.jsonObject
                s["fault"]?.jsonObject?.let { f ->
                    emu.setFault(
                        f["host"]?.jsonPrimitive?.intOrNull ?: 0, f["kind"]!!.jsonPrimitive.content,
                        times = f["times"]?.jsonPrimitive?.intOrNull, status = f["status"]?.jsonPrimitive?.intOrNull,
                        retryAfter = f["retry_after"]?.jsonPrimitive?.content?.toDouble(), ms = f["ms"]?.jsonPrimitive?.longOrNull,
                        pathContains = f["path_contains"]?.jsonPrimitive?.content,
                    )
                }
                s["online"]?.jsonObject?.let { emu.setOnline(it["user"]!!.jsonPrimitive.content, it["online"]?.jsonPrimitive?.booleanOrNull ?: true) }
                s["call"]?.jsonObject?.let { c ->
                    val res = invoke(client, kind, c["operation"]!!.jsonPrimitive.content, subst(c["args"]!!, vars).jsonObject, c["file"]?.jsonObject)
                    s["save"]?.jsonObject?.forEach { (k, p) ->
                        val v = getPath(res, p.jsonPrimitive.content)
                        assertTrue(v != null && v !is JsonNull, "setup result has no $p: $res")
                        vars[k] = if (v is JsonPrimitive && v.isString) v.content else v.toString()
                    }
                }
                if (listOf("fault", "online", "call").none { it in s }) fail("unknown setup step $s")
            }
            emu.clearRequests()
            val expect = subst(sc["expect"]!!, vars).jsonObject
            val op = sc["operation"]!!.jsonPrimitive.content
            val args = subst(sc["args"]!!, vars).jsonObject
            val err = expect["error"]?.jsonObject
            if (err != null) {
                val e = try {
                    try {
                        invoke(client, kind, op, args, sc["file"]?.jsonObject)
                    } catch (refused: Refused) {
                        // the typed method cannot take these arguments; the core must refuse them too
                        generic(client, op, args, sc["file"]?.jsonObject)
                    }
                    fail("expected an error")
                } catch (e: ImcloudException) {
                    e
                }
                val got = mapOf("kind" to JsonPrimitive(e.kind), "param" to (e.param?.let { JsonPrimitive(it) } ?: JsonNull),
                    "http_status" to (e.httpStatus?.let { JsonPrimitive(it) } ?: JsonNull), "api_code" to (e.apiCode?.let { JsonPrimitive(it) } ?: JsonNull),
                    "retryable" to JsonPrimitive(e.retryable))
                for ((k, v) in got) err[k]?.let { subset(it, v, "error.$k (${e.message})") }
                err["message_contains"]?.jsonArray?.forEach { assertTrue(it.jsonPrimitive.content in e.message!!, "message lacks $it: ${e.message}") }
            } else {
                // a success goes through the typed method only (arguments it refuses fail the scenario)
                val pages = sc["pages"]?.jsonPrimitive?.booleanOrNull == true
                val res = if (pages) invokePages(client, kind, op, args) else invoke(client, kind, op, args, sc["file"]?.jsonObject)
                expect["pages"]?.let { subset(it, res, "pages") }
                expect["result"]?.let { subset(it, res, "result") }
                expect["downloaded_text"]?.let { subset(it, res.jsonObject["downloaded_text"], "downloaded_text") }
            }
            checkRequests(emu, op, expect)
        }
    }

    private val replayed = mutableSetOf<String>()

    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val files = dir.listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
        val all = files.flatMap { f -> Json.parseToJsonElement(f.readText()).jsonObject["scenarios"]!!.jsonArray.map { f.name to it.jsonObject } }
        assertTrue(all.size >= 30, "the scenarios were found")
        // a file the filter above misses would be skipped silently
        val others = dir.listFiles()!!.map { it.name }.filter { it != "README.md" && it !in files.map { f -> f.name } }
        assertEquals(emptyList(), others, "not replayed (only *.json files are)")
        val names = all.map { (f, sc) -> "$f: ${sc["name"]!!.jsonPrimitive.content}" }
        assertEquals(names.size, names.toSet().size, "scenario names repeat within a file")
        replayed.clear()
        val tests = all.zip(names).map { (pair, name) -> DynamicTest.dynamicTest(name) { run(pair.second); replayed += name } }
        // dynamic tests run in this order: the last one sees every scenario replayed to its end
        val counted = files.sumOf { Json.parseToJsonElement(it.readText()).jsonObject["scenarios"]!!.jsonArray.size }
        return tests + DynamicTest.dynamicTest("every scenario in the files was replayed to its end") {
            assertEquals(emptyList(), names.filter { it !in replayed }, "not replayed to their end")
            assertEquals(counted, replayed.size)
        }
    }
}
