package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.runBlocking
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue

/**
 * The proxy and caBundle options reach the core by their names (the core's Rust tests run calls
 * through a real proxy and a private CA): a bad one is refused when the client is made, naming it,
 * and a proxy password never shows, in the options' toString or in an error.
 */
class NetworkOptionsTest {
    private val password = "pr0xy-s3cret"

    @Test
    fun `a bad proxy or caBundle is refused when the client is made, naming it`() {
        Emulator().use { emu ->
            for ((options, param) in listOf(
                ClientOptions(proxy = "ftp://alice:$password@proxy.example") to "proxy",
                ClientOptions(proxy = "not a url") to "proxy",
                ClientOptions(caBundle = "/nonexistent/ca.pem") to "ca_bundle",
            )) {
                val e = assertFailsWith<InvalidArgumentException> {
                    RongCloud("k", "s", hosts = emu.hosts, options = options.copy(allowInsecureHttp = true))
                }
                assertEquals(param, e.param)
                assertFalse(e.toString().contains(password), e.toString())
            }
            assertEquals(0, emu.requests(0).size + emu.requests(1).size)
        }
    }

    @Test
    fun `the options print without the proxy, and an empty proxy is a direct connection`() = runBlocking {
        val shown = ClientOptions(proxy = "http://alice:$password@127.0.0.1:9", maxAttempts = 1).toString()
        assertFalse(shown.contains(password), shown)
        assertTrue(shown.contains("proxy=***") && shown.contains("maxAttempts=1"), shown)
        Emulator().use { emu ->
            emu.rongcloud(mapOf("proxy" to "")).userRegister(userId = "u1", name = "Ann")
            assertEquals(1, emu.requests(0).size)
            val dead = emu.rongcloud(mapOf("proxy" to "http://alice:$password@127.0.0.1:9", "max_attempts" to 1))
            val e = assertFailsWith<ConnectException> { dead.userInfo(userId = "u1") }
            assertFalse(e.toString().contains(password), e.toString())
        }
    }
}
