package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/** Hostile input and failures inside the library: each is a typed exception, and the library keeps working. */
class HardeningTest {
    @Test
    fun aPanicInsideTheCoreCompletesTheCoroutineWithInternalException(): Unit = runBlocking {
        val e = assertFailsWith<InternalException> { native { imcloud.ffi.panicForTests("boom in a call") } }
        assertEquals("internal", e.kind)
        assertTrue("boom in a call" in e.message!!, e.message)
        assertEquals("InternalException", ERROR_KINDS["internal"])
        // many at once, then ordinary work
        val all = (0 until 20).map { i -> async { runCatching { native { imcloud.ffi.panicForTests("p$i") } }.exceptionOrNull() } }.awaitAll()
        assertTrue(all.all { it is InternalException }, all.toString())
        Emulator().use { emu -> assertEquals("0", emu.rongcloud().userCheckOnline(userId = "u").status) }
    }

    @Test
    fun outOfRangeOptionsAreNamedErrors() {
        for ((options, param) in listOf(
            ClientOptions(requestTimeout = Double.POSITIVE_INFINITY) to "request_timeout",
            ClientOptions(requestTimeout = 1e300) to "request_timeout",
            ClientOptions(connectTimeout = Double.NaN) to "connect_timeout",
            ClientOptions(requestTimeout = 0.0) to "request_timeout",
            ClientOptions(connectionMaxAge = 0.0) to "connection_max_age",
            ClientOptions(connectionMaxAge = Double.NEGATIVE_INFINITY) to "connection_max_age",
            ClientOptions(hostCooldown = -1.0) to "host_cooldown",
        )) {
            val e = assertFailsWith<InvalidArgumentException>(param) { RongCloud("k", "s", region = "singapore", options = options) }
            assertEquals(param, e.param, e.message)
            assertTrue(param in e.message!!, e.message)
        }
        assertFailsWith<InvalidArgumentException> { AgoraChat("o#a", "id", "cert", region = "singapore1", options = ClientOptions(transferTimeout = Double.NaN)) }
        RongCloud("k", "s", region = "singapore", options = ClientOptions(connectionMaxAge = 30.0)).close()
    }

    @Test
    fun connectionMaxAgeReachesTheCore(): Unit = runBlocking {
        Emulator().use { emu ->
            assertEquals("0", emu.rongcloud(mapOf("connection_max_age" to 30.0)).userCheckOnline(userId = "u").status)
            assertEquals("connection_max_age", assertFailsWith<InvalidArgumentException> { emu.rongcloud(mapOf("connection_max_age" to Double.POSITIVE_INFINITY)) }.param)
        }
    }

    @Test
    fun aBadCallbackWindowIsANamedError() {
        val rc = RongCloud("k", "s", region = "singapore")
        val query = mapOf("nonce" to "n", "timestamp" to System.currentTimeMillis().toString(), "signature" to "x")
        for (window in listOf(Double.POSITIVE_INFINITY, Double.NaN, 1e300, -1.0, 0.0)) {
            val e = assertFailsWith<InvalidArgumentException>("window $window") { rc.verifyCallback(query = query, window = window) }
            assertEquals("window", e.param)
        }
        assertFailsWith<AuthenticationException> { rc.verifyCallback(query = query, window = 60.0) }
    }

    @Test
    fun aReplayedCallbackIsRefusedOnRequest() {
        val rc = RongCloud("k", "the-secret", region = "singapore")
        val ts = System.currentTimeMillis().toString()
        val query = mapOf("nonce" to "9", "signTimestamp" to ts, "signature" to rongcloudSignature("the-secret", "9", ts))
        rc.verifyCallback(query = query, rejectReplays = true)
        val e = assertFailsWith<AuthenticationException> { rc.verifyCallback(query = query, rejectReplays = true) }
        assertTrue("replay" in e.message!!, e.message)
        rc.verifyCallback(query = query)
    }

    @Test
    fun chatUserTokenTtlIsNeverWrapped() {
        Emulator().use { emu ->
            val ag = emu.agora()
            for ((ttl, shown) in listOf(-1L to "is -1", (1L shl 32) + 3600 to "is 4294970896", 0L to "is 0", 86_401L to "is 86401")) {
                val e = assertFailsWith<InvalidArgumentException>("ttl $ttl") { ag.chatUserToken("uuid-1", ttl) }
                assertEquals("ttl", e.param)
                assertTrue(shown in e.message!!, e.message)
                assertFalse("4294967295" in e.message!! && ttl < 0, e.message)
            }
            assertTrue(ag.chatUserToken("uuid-1", 600).startsWith("007"))
        }
    }

    @Test
    fun valuesJsonCannotCarryNameTheParameter(): Unit = runBlocking {
        Emulator().use { emu ->
            val em = emu.easemob()
            for ((value, param) in listOf(Double.NaN to "username", Float.POSITIVE_INFINITY to "username", listOf("a", Double.NaN) to "username[1]", Any() to "username")) {
                val e = assertFailsWith<InvalidArgumentException>("$value") { em.call("user.get", mapOf("username" to value)) }
                assertEquals(param, e.param, e.message)
                assertFalse("required" in e.message!!, e.message)
            }
            assertEquals(0, emu.requestCount(0) + emu.requestCount(1))
        }
    }
}
