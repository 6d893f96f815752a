package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertTimeoutPreemptively
import java.time.Duration
import java.util.concurrent.Executors
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertNotNull

/** The Java views from coroutine code (the Java side is in src/test/java: JavaApiTest). */
class JavaViewsTest {
    @Test
    fun blockingCallsOnASingleThreadedDispatcherDoNotDeadlock() {
        Emulator().use { emu ->
            val rc = emu.rongcloud()
            Executors.newSingleThreadExecutor().asCoroutineDispatcher().use { single ->
                assertTimeoutPreemptively(Duration.ofSeconds(30)) {
                    runBlocking(single) {
                        // two coroutines on the one thread, each blocking it with a call in turn
                        val online = async { rc.blocking().userCheckOnline("u1").status }
                        val token = async { rc.blocking().userRegister("u2", "Bob").token }
                        val viaFuture = async { rc.async().userCheckOnline("u2").get().status }
                        assertEquals("0", online.await())
                        assertNotNull(token.await())
                        assertEquals("0", viaFuture.await())
                    }
                }
            }
        }
    }
}
