package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import java.nio.file.Files

/** The seeds' journey in Kotlin against the embedded emulator — the README's demonstration. */
object Demo {
    @JvmStatic
    fun main(args: Array<String>): Unit = runBlocking {
        Emulator().use { emu ->
            val primary = emu.hosts[0]
            fun step(what: String, host: String, detail: String = "") =
                println("  ✓ ${what.padEnd(44)} via ${(if (host == primary) "primary" else "backup").padEnd(7)}  $detail")
            println("imcloud demo (Kotlin) — emulator hosts: primary ${emu.hosts[0]}, backup ${emu.hosts[1]}")
            val rc = emu.rongcloud()
            val em = emu.easemob()
            println("RongCloud:")
            for ((id, name) in listOf("u1" to "Ann", "u2" to "Bob")) {
                val r = rc.userRegister(userId = id, name = name)
                step("register $id and get its token", r.host, "token ${r.token!!.take(12)}…")
            }
            val hello = buildJsonObject { put("content", "Hello Bob") }
            step("send a text message u1 → u2", rc.messagePrivatePublish(fromUserId = "u1", toUserIds = listOf("u2"), objectName = "RC:TxtMsg", content = hello).host)
            emu.setOnline("u2")
            val online = rc.userCheckOnline(userId = "u2")
            step("check whether u2 is online", online.host, "status ${online.status}")
            println("Easemob / Agora Chat:")
            em.userRegister(username = "alice", password = "a")
            step("register alice and bob", em.userRegister(username = "bob", password = "b").host)
            step("send a text message alice → bob", em.messageSendText(targetType = "users", from = "alice", to = listOf("bob"), msg = "Hi Bob!").host)
            val img = em.attachmentUpload(FileInput.Bytes("tiny jpeg".toByteArray(), "cat.jpg"), restrictAccess = true)
            step("upload an image attachment", img.host, "uuid ${img.uuid!!.take(12)}…")
            step("send the image message alice → bob", em.messageSendImage(targetType = "users", from = "alice", to = listOf("bob"), url = "$primary/chatfiles/${img.uuid}", filename = "cat.jpg", secret = img.shareSecret, width = 64, height = 48).host)
            emu.setOnline("alice")
            val st = em.userStatusBatch(usernames = listOf("alice", "bob"))
            step("check online status of alice and bob", st.host, st.data.toString())
            val g = em.groupCreate(groupname = "launch", public = false, owner = "alice", members = listOf("bob"))
            val gid = g.groupid!!
            step("create a group", g.host, "group $gid")
            step("set the group announcement", em.groupAnnouncementSet(groupId = gid, announcement = "Launch on Friday 🚀").host)
            val a = em.groupAnnouncementGet(groupId = gid)
            step("read the group announcement", a.host, "\"${a.announcement}\"")
            println("--- the primary host goes down (connections refused) ---")
            emu.setFault(0, "refuse")
            val dir = Files.createTempDirectory("imcloud-demo")
            val plan = dir.resolve("plan.txt").also { Files.writeString(it, "Friday: ship it.\n".repeat(1000)) }
            val up = em.groupShareFileUpload(FileInput.of(plan), groupId = gid)
            step("upload a share file (streamed from disk)", up.host, "${up.fileSize} bytes")
            val list = em.groupShareFiles(groupId = gid, pagenum = 1, pagesize = 10)
            step("list the group's share files", list.host, "${list.size} file(s)")
            val copy = dir.resolve("copy.txt")
            val d = em.groupShareFileDownload(groupId = gid, fileId = up.fileId!!, dest = copy.toString())
            step("download the share file (streamed to disk)", d.host, "${d.bytes} bytes, identical: ${Files.mismatch(plan, copy) == -1L}")
            step("delete the share file", em.groupShareFileDelete(groupId = gid, fileId = up.fileId!!).host)
            val att = em.attachmentUpload(FileInput.Bytes(ByteArray(4096) { 7 }, "voice.amr"))
            step("upload an attachment", att.host, "uuid ${att.uuid!!.take(12)}…")
            val back = em.attachmentDownload(uuid = att.uuid!!)
            step("download the attachment (to memory)", back.host, "${back.data!!.size} bytes")
            val still = buildJsonObject { put("content", "Still here") }
            step("RongCloud: send a text message u2 → u1", rc.messagePrivatePublish(fromUserId = "u2", toUserIds = listOf("u1"), objectName = "RC:TxtMsg", content = still).host, "sent once")
            dir.toFile().deleteRecursively()
            val sent = emu.sentMessages().size
            println("done: primary served ${emu.requestCount(0)} requests, backup ${emu.requestCount(1)}; $sent messages recorded")
            check(emu.requestCount(1) > 0 && sent == 4) { "the demo did not go as expected" }
        }
    }
}
