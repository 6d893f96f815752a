package imcloud

import imcloud.testing.Emulator
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import java.net.URLEncoder
import java.security.MessageDigest
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

/** The declared example as it arrives on the wire, and its content type. */
private fun wire(kind: JsonObject): Pair<String, String> {
    val example = kind["example"]!!
    return if (kind["arrives"]!!.jsonPrimitive.content == "form") {
        (example as JsonObject).entries.joinToString("&") { (k, v) ->
            URLEncoder.encode(k, "UTF-8") + "=" + URLEncoder.encode(v.jsonPrimitive.content, "UTF-8")
        } to "application/x-www-form-urlencoded"
    } else {
        example.toString() to "application/json"
    }
}

private fun md5(s: String): String = MessageDigest.getInstance("MD5").digest(s.toByteArray()).joinToString("") { "%02x".format(it) }

/** Server callbacks: every declared kind parses into its generated event class; Easemob's security verifies. */
class CallbacksTest {
    @Test
    fun everyDeclaredKindParsesIntoItsTypedEvent() {
        Emulator().use { emu ->
            var count = 0
            for ((cloud, prefix) in listOf("rongcloud" to "RongCloud", "easemob" to "Easemob")) {
                for (k in catalogue(cloud)["callbacks"] as JsonArray) {
                    val kind = k as JsonObject
                    val name = kind["name"]!!.jsonPrimitive.content
                    val (body, contentType) = wire(kind)
                    val events: List<Any> = if (cloud == "rongcloud") emu.rongcloud().parseCallback(body, contentType) else emu.easemob().parseCallback(body.toByteArray())
                    val items = kind["example"] as? JsonArray ?: JsonArray(listOf(kind["example"]!!))
                    assertEquals(items.size, events.size, name)
                    events.forEachIndexed { i, event ->
                        val cls = prefix + name.split('_').joinToString("") { it.replaceFirstChar(Char::uppercase) } + "Event"
                        assertEquals("imcloud.$cls", event.javaClass.name, name)
                        assertEquals(name, (event as? RongCloudEvent)?.kind ?: (event as EasemobEvent).kind)
                        assertEquals(items[i], (event as Item).raw)
                        for (f in kind["fields"] as JsonArray) {
                            val fo = f as JsonObject
                            val fname = fo["name"]!!.jsonPrimitive.content
                            val value = read(event, fname)
                            assertNotNull(value, "$name.$fname")
                            assertTrue(declaredType(fo["type"]!!.jsonPrimitive.content, value), "$name.$fname: $value")
                        }
                    }
                    count++
                }
            }
            assertTrue(count >= 6)
            assertFailsWith<InvalidArgumentException> { emu.easemob().parseCallback("""{"eventType": "group_op"}""") }
            assertFailsWith<InvalidArgumentException> { emu.rongcloud().parseCallback("a=1&b=2") }
        }
    }

    @Test
    fun easemobSecurityVerifiesAndTamperingIsRefused() {
        Emulator().use { emu ->
            val now = System.currentTimeMillis()
            val callId = "org#app_0990a64f"
            fun body(id: String, ts: Long, security: String) = buildJsonObject {
                put("callId", id)
                put("eventType", "chat")
                put("timestamp", ts)
                put("from", "u1")
                put("to", "u2")
                put("msg_id", "1")
                put("payload", buildJsonObject {})
                put("security", security)
            }.toString()
            val good = body(callId, now, md5("${callId}rule-secret$now"))
            for (client in listOf(emu.easemob(), emu.agora())) {
                client.verifyCallback(good, "rule-secret")
                client.verifyCallback(good.toByteArray(), "rule-secret", 60.0)
                assertFailsWith<AuthenticationException> { client.verifyCallback(good, "other-secret") }
                assertFailsWith<AuthenticationException> { client.verifyCallback(body(callId + "x", now, md5("${callId}rule-secret$now")), "rule-secret") }
                val old = now - 3_600_000
                assertFailsWith<AuthenticationException> { client.verifyCallback(body(callId, old, md5("${callId}rule-secret$old")), "rule-secret", 300.0) }
                val event = client.parseCallback(good).single() as EasemobPostSendEvent
                assertEquals("post_send", event.kind)
                assertEquals("u1", event.from)
                assertEquals(JsonPrimitive("chat"), (event.raw as JsonObject)["eventType"])
            }
        }
    }
}
