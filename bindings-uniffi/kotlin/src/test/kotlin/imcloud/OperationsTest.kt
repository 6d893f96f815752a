package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import java.nio.file.Files
import kotlin.test.Test
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

fun opNames(cloud: String): Set<String> =
    (catalogue(cloud)["operations"] as JsonArray).map { (it as JsonObject)["name"]!!.jsonPrimitive.content }.toSet()

private fun camel(name: String): String =
    name.split('.', '_').let { p -> p[0] + p.drop(1).joinToString("") { it.replaceFirstChar(Char::uppercase) } }

/**
 * The typed surface, and journeys through both APIs against the emulator (what the operations do to
 * its state). Every operation's typed result is checked by the scenario runner ([ScenariosTest]),
 * which calls every catalogue operation.
 */
class OperationsTest {
    @Test
    fun everyCatalogueOperationIsAMethod() {
        for ((cloud, cls) in listOf("rongcloud" to RongCloudOperations::class.java, "easemob" to EasemobOperations::class.java)) {
            val methods = cls.methods.map { it.name }.toSet()
            for (op in opNames(cloud)) {
                val name = camel(op)
                assertTrue(name in methods, "$cloud $op → $name")
            }
        }
    }

    @Test
    fun rongcloudJourney(): Unit = runBlocking {
        Emulator().use { emu ->
            val rc = emu.rongcloud()
            val reg = rc.userRegister(userId = "u1", name = "Ann", portraitUri = "http://x/a.png")
            assertEquals("u1", reg.userId)
            assertFalse(reg.toString().contains(reg.token!!), "token redacted")
            rc.userRegister(userId = "u2", name = "Bob")
            rc.userRefresh(userId = "u1", name = "Ann B")
            assertEquals("0", rc.userCheckOnline(userId = "u1").status)
            emu.setOnline("u1")
            assertEquals("1", rc.userCheckOnline(userId = "u1").status)
            rc.userBlockAdd(userIds = listOf("u2"), minute = 5)
            assertEquals("u2", rc.userBlockList().users!![0]["userId"]!!.jsonPrimitive.content)
            rc.userBlockRemove(userIds = listOf("u2"))
            val content = buildJsonObject { put("content", "hi & 你好") }
            val pub = rc.messagePrivatePublish(fromUserId = "u1", toUserIds = listOf("u2"), objectName = "RC:TxtMsg", content = content)
            val uid = pub.messageUids!![0]["messageUID"]!!.jsonPrimitive.content
            rc.groupCreate(userIds = listOf("u1", "u2"), groupId = "g1", groupName = "G")
            rc.groupJoin(userIds = listOf("u3"), groupId = "g1")
            rc.groupQuit(userIds = listOf("u2"), groupId = "g1")
            rc.groupRefresh(groupId = "g1", groupName = "G2")
            assertEquals(listOf("u1", "u3"), rc.groupMembers(groupId = "g1").users!!.map { it["id"]!!.jsonPrimitive.content })
            rc.messageGroupPublish(fromUserId = "u1", toGroupIds = listOf("g1"), objectName = "RC:TxtMsg", content = JsonPrimitive("{\"content\":\"x\"}"))
            rc.messageSystemPublish(fromUserId = "s", toUserIds = listOf("u1"), objectName = "RC:TxtMsg", content = content)
            rc.messageRecall(fromUserId = "u1", conversationType = 1, targetId = "u2", messageUid = uid, sentTime = 1)
            rc.groupDismiss(userId = "u1", groupId = "g1")
            rc.chatroomCreate(chatroomId = "r1")
            assertEquals("r1", rc.chatroomQuery(chatroomId = "r1").chatroomId)
            rc.chatroomDestroy(chatroomIds = listOf("r1"))
            rc.userTagSet(userId = "u1", tags = listOf("vip"))
            assertNotNull(rc.push(platform = listOf("ios"), audience = buildJsonObject { put("is_to_all", true) }, notification = buildJsonObject { put("alert", "hi") }).id)
            assertEquals(listOf("private", "group", "system"), emu.sentMessages().map { it["target_type"]!!.jsonPrimitive.content })
        }
    }

    @Test
    fun easemobJourney(): Unit = runBlocking {
        Emulator().use { emu ->
            val em = emu.easemob()
            em.authAppToken(ttl = 600)
            val alice = em.userRegister(username = "alice", password = "pw", nickname = "Alice")
            assertEquals("alice", alice[0].username)
            em.userRegisterBatch(users = listOf(buildJsonObject { put("username", "bob"); put("password", "p") }, buildJsonObject { put("username", "carol"); put("password", "p") }))
            val got = em.userGet(username = "alice")
            assertEquals(alice[0].uuid, got.first().uuid)
            emu.setOnline("alice")
            assertEquals("online", (em.userStatus(username = "alice").data as JsonObject)["alice"]!!.jsonPrimitive.content)
            assertEquals(2, (em.userStatusBatch(usernames = listOf("alice", "bob")).data as JsonArray).size)
            val gid = em.groupCreate(groupname = "team", public = true, owner = "alice", members = listOf("bob")).groupid!!
            assertEquals(2L, em.groupGet(groupIds = listOf(gid))[0].affiliationsCount)
            assertEquals(listOf("carol"), em.groupMembersAdd(groupId = gid, usernames = listOf("carol")).newmembers)
            assertEquals(3, (em.groupMembers(groupId = gid, pagenum = 1, pagesize = 10).data as JsonArray).size)
            em.groupMembersRemove(groupId = gid, usernames = listOf("carol"))
            em.groupAnnouncementSet(groupId = gid, announcement = "公告 & news")
            assertEquals("公告 & news", em.groupAnnouncementGet(groupId = gid).announcement)
            val dir = Files.createTempDirectory("imcloud-kt")
            val plan = dir.resolve("plan.txt").also { Files.write(it, ByteArray(100_000) { 'x'.code.toByte() }) }
            val up = em.groupShareFileUpload(FileInput.of(plan), groupId = gid)
            assertEquals("plan.txt", up.fileName)
            assertEquals(100_000L, up.fileSize)
            assertEquals(up.fileId, em.groupShareFiles(groupId = gid, pagesize = 10)[0].fileId)
            val copy = dir.resolve("copy.txt")
            assertEquals(100_000L, em.groupShareFileDownload(groupId = gid, fileId = up.fileId!!, dest = copy.toString()).bytes)
            assertContentEquals(Files.readAllBytes(plan), Files.readAllBytes(copy))
            assertEquals(true, em.groupShareFileDelete(groupId = gid, fileId = up.fileId!!).result)
            val att = em.attachmentUpload(FileInput.Bytes(byteArrayOf(1, 2, 3), "p.jpg"), restrictAccess = true)
            assertContentEquals(byteArrayOf(1, 2, 3), em.attachmentDownload(uuid = att.uuid!!, shareSecret = att.shareSecret).data)
            val url = "https://x/chatfiles/${att.uuid}"
            em.messageSendText(targetType = "users", from = "alice", to = listOf("bob"), msg = "hi")
            em.messageSendImage(targetType = "users", to = listOf("bob"), url = url, filename = "p.jpg", width = 1, height = 1)
            em.messageSendAudio(targetType = "users", to = listOf("bob"), url = url, filename = "a.amr", length = 2)
            em.messageSendVideo(targetType = "users", to = listOf("bob"), url = url, filename = "v.mp4")
            em.messageSendFile(targetType = "chatgroups", to = listOf(gid), url = url, filename = "f.pdf")
            em.messageSendCmd(targetType = "chatrooms", to = listOf("room"), action = "refresh")
            em.messageSendCustom(targetType = "users", to = listOf("bob"), customEvent = "gift", customExts = mapOf("n" to "1"))
            assertEquals(listOf("txt", "img", "audio", "video", "file", "cmd", "custom"), emu.sentMessages().map { it["kind"]!!.jsonPrimitive.content })
            em.groupDelete(groupId = gid)
            em.userDelete(username = "carol")
            dir.toFile().deleteRecursively()
        }
    }

    @Test
    fun secretResultFieldsArePrintedRedactedButReadable(): Unit = runBlocking {
        Emulator().use { emu ->
            val reg = emu.rongcloud().userRegister(userId = "u1", name = "Ann")
            val token = reg.token
            assertNotNull(token)
            assertTrue(token.isNotEmpty())
            assertEquals(token, reg["token"]!!.jsonPrimitive.content, "the accessor reads the token as sent")
            val shown = reg.toString()
            assertFalse(token in shown, shown)
            assertTrue("\"token\":\"***\"" in shown, shown)
            assertTrue("\"u1\"" in shown, "other fields are shown: $shown")

            val app = emu.easemob().authAppToken(ttl = 600)
            val access = app.accessToken
            assertNotNull(access)
            assertFalse(access in app.toString(), app.toString())
            assertTrue("***" in app.toString(), app.toString())
        }
    }

    @Test
    fun agoraChatBuildsTokensLocally(): Unit = runBlocking {
        Emulator().use { emu ->
            val ag = emu.agora()
            ag.userRegister(username = "dave", password = "pw")
            assertEquals(0, emu.requestCount(0, "auth.app_token"))
            assertTrue(ag.appToken().startsWith("007"))
            assertTrue(ag.chatUserToken("uuid-1", 600).startsWith("007"))
        }
    }
}
