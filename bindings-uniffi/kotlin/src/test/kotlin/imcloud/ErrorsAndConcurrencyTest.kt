package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

class ErrorsAndConcurrencyTest {
    private val content = buildJsonObject { put("content", "x") }

    @Test
    fun everyCoreKindHasAClass() {
        assertEquals(imcloud.ffi.errorKinds().toSet(), ERROR_KINDS.keys)
    }

    @Test
    fun classNamesFollowTheCoreRule() {
        // the kind's code in UpperCamelCase plus "Exception": timeout -> TimeoutException, io -> IoException
        for (kind in imcloud.ffi.errorKinds()) {
            val stem = kind.split('_').joinToString("") { it.replaceFirstChar(Char::uppercaseChar) }
            assertEquals("${stem}Exception", ERROR_KINDS[kind], kind)
        }
    }

    @Test
    fun apiCodeIsTheCloudsCodeAndDetailTheShortText(): Unit = runBlocking {
        Emulator().use { emu ->
            // RongCloud answers an unknown App-Key with code 1002 and "Invalidate App-Key."
            val bad = RongCloud.fromConfigJson(emu.clientConfig("rongcloud", mapOf("app_key" to "no-such-app")))
            val e = assertFailsWith<InvalidArgumentException> { bad.userCheckOnline(userId = "u") }
            assertEquals("1002", e.apiCode)
            assertEquals(401, e.httpStatus)
            assertEquals("Invalidate App-Key.", e.detail)
            val message = e.message!!
            assertTrue(message.startsWith("Invalidate App-Key. ("), message)
            for (part in listOf("operation=user.check_online", "http_status=401", "api_code=1002", "host=${emu.hosts[0]}")) {
                assertTrue(part in message && part !in e.detail, part)
            }
        }
    }

    @Test
    fun badInputIsRefusedBeforeSending(): Unit = runBlocking {
        Emulator().use { emu ->
            val em = emu.easemob()
            val e = assertFailsWith<InvalidArgumentException> { em.groupAnnouncementSet(groupId = "1", announcement = "x".repeat(513)) }
            assertEquals("announcement", e.param)
            assertTrue("512" in e.message!!)
            assertEquals("pagesize", assertFailsWith<InvalidArgumentException> { em.groupShareFiles(groupId = "1", pagesize = 1001) }.param)
            assertTrue("10 MB" in assertFailsWith<InvalidArgumentException> { em.groupShareFileUpload(FileInput.Bytes(ByteArray(10 * 1024 * 1024 + 1)), groupId = "1") }.message!!)
            assertEquals(0, emu.requestCount(0) + emu.requestCount(1))
        }
    }

    @Test
    fun typedErrorsFromTheServer(): Unit = runBlocking {
        Emulator().use { emu ->
            assertTrue("allow_insecure_http" in assertFailsWith<ConfigException> { RongCloud("k", "s", hosts = listOf("http://127.0.0.1:1")) }.message!!)
            val bad = RongCloud.fromConfigJson(emu.clientConfig("rongcloud", mapOf("app_secret" to "wrong-secret-123")))
            val e = assertFailsWith<AuthenticationException> { bad.userCheckOnline(userId = "u") }
            assertEquals(401, e.httpStatus)
            assertEquals("1004", e.apiCode)
            assertFalse(e.retryable)
            assertFalse("wrong-secret-123" in "${e.message} $bad")
            val em = emu.easemob()
            assertEquals("service_resource_not_found", assertFailsWith<NotFoundException> { em.userGet(username = "nobody") }.apiCode)
            em.userRegister(username = "dup", password = "p")
            assertFailsWith<ConflictException> { em.userRegister(username = "dup", password = "p") }
            emu.setFault(0, "rate_limit", retryAfter = 3600.0)
            assertEquals(3600.0, assertFailsWith<RateLimitedException> { emu.rongcloud().userCheckOnline(userId = "u") }.retryAfter)
            emu.clearFaults()
            for ((kind, check) in listOf<Pair<String, suspend () -> Unit>>(
                "hang" to { assertFailsWith<TimeoutException> { emu.rongcloud().messagePrivatePublish(fromUserId = "a", toUserIds = listOf("b"), objectName = "RC:TxtMsg", content = content) } },
                "status" to { assertFailsWith<ServerException> { emu.rongcloud().messagePrivatePublish(fromUserId = "a", toUserIds = listOf("b"), objectName = "RC:TxtMsg", content = content) } },
                "reset" to { assertFailsWith<NetworkException> { emu.rongcloud().messagePrivatePublish(fromUserId = "a", toUserIds = listOf("b"), objectName = "RC:TxtMsg", content = content) } },
                "garbage" to { assertFailsWith<DecodeException> { emu.rongcloud().messagePrivatePublish(fromUserId = "a", toUserIds = listOf("b"), objectName = "RC:TxtMsg", content = content) } },
            )) {
                emu.clearFaults()
                emu.setFault(0, kind)
                check()
            }
            emu.clearFaults()
            emu.setFault(0, "refuse")
            emu.setFault(1, "refuse")
            assertTrue(assertFailsWith<ConnectException> { emu.rongcloud().userCheckOnline(userId = "u") }.retryable)
        }
    }

    @Test
    fun concurrentCallsAndFailover(): Unit = runBlocking {
        Emulator().use { emu ->
            val rc = emu.rongcloud()
            val all = (0 until 30).map { async { rc.userCheckOnline(userId = "u$it") } }.awaitAll()
            assertTrue(all.all { it.status == "0" })
            emu.setFault(0, "refuse")
            assertEquals(emu.hosts[1], rc.messagePrivatePublish(fromUserId = "a", toUserIds = listOf("b"), objectName = "RC:TxtMsg", content = content).host)
            assertEquals(listOf(0, 1), listOf(emu.requestCount(0, "message.private.publish"), emu.requestCount(1, "message.private.publish")))
        }
    }

    @Test
    fun cancellingTheCoroutineCancelsTheRequest(): Unit = runBlocking {
        Emulator().use { emu ->
            emu.setFault(0, "hang")
            emu.setFault(1, "hang")
            val rc = emu.rongcloud(mapOf("request_timeout" to 30))
            val job = launch { rc.userCheckOnline(userId = "u") }
            while (emu.requestCount(0) == 0) delay(10)
            job.cancel()
            job.join()
            delay(300)
            assertTrue(job.isCancelled)
            assertEquals(0, emu.requestCount(1), "the cancelled call never moved on to the backup")
        }
    }
}
