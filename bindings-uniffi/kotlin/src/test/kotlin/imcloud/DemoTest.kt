package imcloud

import java.io.ByteArrayOutputStream
import java.io.PrintStream
import kotlin.test.Test
import kotlin.test.assertTrue

class DemoTest {
    @Test
    fun demoRunsAndFailsOver() {
        val out = ByteArrayOutputStream()
        val saved = System.out
        System.setOut(PrintStream(out, true, "UTF-8"))
        try {
            Demo.main(emptyArray())
        } finally {
            System.setOut(saved)
        }
        val text = out.toString("UTF-8")
        assertTrue("via backup" in text && "done:" in text, text)
    }
}
