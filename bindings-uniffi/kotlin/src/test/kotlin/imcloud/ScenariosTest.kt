package imcloud

import imcloud.testing.Emulator
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
import java.net.URLDecoder
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.test.fail

/**
 * The language-neutral scenarios (the JSON files under tests/scenarios) through the Kotlin binding. Calls go through
 * the generic `call(operation, params)` (and the typed upload/download paths), which the typed methods
 * also use; the typed surface itself is covered by OperationsTest.
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
        else -> v
    }

    private fun subset(exp: JsonElement, act: JsonElement?, at: String) {
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
            else -> assertEquals(exp, act, at)
        }
    }

    private suspend fun invoke(client: Client, op: String, args: JsonObject, file: JsonObject?): JsonElement {
        val params: Map<String, Any?> = args.mapValues { it.value }
        if (file != null) {
            val data = file["text"]?.jsonPrimitive?.content?.toByteArray() ?: ByteArray(file["size"]!!.jsonPrimitive.intOrNull!!)
            val reply = client.upload(op, args.toString(), FileInput.Bytes(data, file["name"]!!.jsonPrimitive.content))
            return Result(reply).data
        }
        if (op.endsWith("download")) {
            val d = client.download(op, args.toString(), null)
            return JsonObject(mapOf("downloaded_text" to JsonPrimitive(String(d.data!!))))
        }
        return client.call(op, params).data
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
            val client: Client = when (sc["client"]!!.jsonPrimitive.content) {
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
                    val res = invoke(client, c["operation"]!!.jsonPrimitive.content, subst(c["args"]!!, vars).jsonObject, c["file"]?.jsonObject)
                    s["save"]?.jsonObject?.forEach { (k, p) ->
                        // a dotted path (`messageUIDs.0.messageUID`) into the result
                        val v = p.jsonPrimitive.content.split('.').fold(res) { v, key -> if (v is JsonArray) v[key.toInt()] else v.jsonObject[key]!! }
                        vars[k] = (v as JsonPrimitive).content
                    }
                }
            }
            emu.clearRequests()
            val expect = subst(sc["expect"]!!, vars).jsonObject
            val op = sc["operation"]!!.jsonPrimitive.content
            val args = subst(sc["args"]!!, vars).jsonObject
            val err = expect["error"]?.jsonObject
            if (err != null) {
                val e = try {
                    invoke(client, op, args, sc["file"]?.jsonObject)
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
                val res = invoke(client, op, args, sc["file"]?.jsonObject)
                expect["result"]?.let { subset(it, res, "result") }
                expect["downloaded_text"]?.let { subset(it, res.jsonObject["downloaded_text"], "downloaded_text") }
            }
            checkRequests(emu, op, expect)
        }
    }

    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val files = dir.listFiles { f -> f.name.endsWith(".json") }!!.sortedBy { it.name }
        val all = files.flatMap { f -> Json.parseToJsonElement(f.readText()).jsonObject["scenarios"]!!.jsonArray.map { f.name to it.jsonObject } }
        assertTrue(all.size >= 30, "the scenarios were found")
        return all.map { (f, sc) -> DynamicTest.dynamicTest("$f: ${sc["name"]!!.jsonPrimitive.content}") { run(sc) } }
    }
}
