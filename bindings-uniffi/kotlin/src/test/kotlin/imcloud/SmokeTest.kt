package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.runBlocking
import kotlin.test.Test
import kotlin.test.assertEquals
import kotlin.test.assertTrue

class SmokeTest {
    @Test
    fun registerAndFailover() = runBlocking {
        Emulator().use { emu ->
            val rc = emu.rongcloud()
            val r = rc.userRegister(userId = "u1", name = "Ann")
            assertEquals("u1", r.userId)
            assertTrue(!r.toString().contains(r.token!!))
            emu.setFault(0, "refuse")
            assertEquals(emu.hosts[1], rc.userCheckOnline(userId = "u1").host)
        }
    }
}
