package imcloud

import imcloud.testing.Emulator
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
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

fun opsSeen(emu: Emulator): Set<String> =
    emu.hosts.indices.flatMap { emu.requests(it) }.mapNotNull { (it["operation"] as? JsonPrimitive)?.takeIf { p -> p.isString }?.content }.toSet()

fun opNames(cloud: String): Set<String> =
    (catalogue(cloud)["operations"] as JsonArray).map { (it as JsonObject)["name"]!!.jsonPrimitive.content }.toSet()

private fun camel(name: String): String =
    name.split('.', '_').let { p -> p[0] + p.drop(1).joinToString("") { it.replaceFirstChar(Char::uppercase) } }

/** A value at a declared wire location (`body.size.width`) of a JSON object. */
private fun at(v: JsonElement?, wire: String): JsonElement? =
    wire.split('.').fold(v) { cur, part -> (cur as? JsonObject)?.get(part) }

/** The Kotlin type a declared result field's accessor returns (null: any JSON). */
private fun declaredType(type: String, v: Any): Boolean = when (type) {
    "string" -> v is String
    "int" -> v is Long
    "bool" -> v is Boolean
    "string_list" -> v is List<*> && v.all { it is String }
    "object_list" -> v is List<*> && v.all { it is JsonObject }
    else -> v is JsonElement
}

/** The accessor of a declared field: a Kotlin property `fooBar` is `getFooBar()` (or `isFoo()` for `isFoo`). */
private fun read(obj: Any, field: String): Any? {
    val prop = camel(field)
    val getter = obj.javaClass.methods.firstOrNull { it.parameterCount == 0 && (it.name == "get" + prop.replaceFirstChar(Char::uppercase) || it.name == prop) }
    assertNotNull(getter, "${obj.javaClass.simpleName} has no accessor for declared field $field")
    return getter.invoke(obj)
}

/**
 * Every catalogue operation of [cloud] returned a typed result in [seen] (downloads excepted: they
 * return bytes), and each declared field reads through its accessor as the declared type, present
 * whenever the server sent it.
 */
fun assertTypedResults(cloud: String, client: String, seen: List<Any>) {
    for (op in (catalogue(cloud)["operations"] as JsonArray).map { it as JsonObject }) {
        val name = op["name"]!!.jsonPrimitive.content
        val response = op["response"] as JsonObject
        if (response["shape"]!!.jsonPrimitive.content == "bytes") continue
        val cls = client + camel(name).replaceFirstChar(Char::uppercase) + "Result"
        val result = seen.lastOrNull { it.javaClass.simpleName == cls }
        assertNotNull(result, "$cloud $name: no typed $cls was returned")
        result as Result
        val fields = (response["fields"] as? JsonArray ?: JsonArray(emptyList())).map { it as JsonObject }
        val rows: List<Pair<Any, JsonElement?>> = if (result is ListResult<*>) {
            if (fields.isNotEmpty()) assertTrue(result.size > 0, "$cloud $name: the list result is empty, so its items are not checked")
            result.items.map { it to it.raw }
        } else {
            listOf(result to result.data)
        }
        for ((obj, sent) in rows) {
            for (f in fields) {
                val field = f["name"]!!.jsonPrimitive.content
                val type = f["type"]!!.jsonPrimitive.content
                val value = read(obj, field)
                val wire = at(sent, f["wire"]!!.jsonPrimitive.content)
                if (wire != null && wire !is JsonNull) assertNotNull(value, "$cloud $name.$field was sent ($wire) but reads as null")
                if (value != null) assertTrue(declaredType(type, value), "$cloud $name.$field is declared $type but reads as ${value::class.simpleName} $value")
            }
        }
    }
}

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
    fun rongcloudEveryOperation(): Unit = runBlocking {
        Emulator().use { emu ->
            val rc = emu.rongcloud()
            val results = mutableListOf<Any>()
            fun <R : Any> seen(r: R): R = r.also { results += it }
            val reg = seen(rc.userRegister(userId = "u1", name = "Ann", portraitUri = "http://x/a.png"))
            assertEquals("u1", reg.userId)
            assertFalse(reg.toString().contains(reg.token!!), "token redacted")
            seen(rc.userRegister(userId = "u2", name = "Bob"))
            seen(rc.userRefresh(userId = "u1", name = "Ann B"))
            assertEquals("0", seen(rc.userCheckOnline(userId = "u1")).status)
            emu.setOnline("u1")
            assertEquals("1", seen(rc.userCheckOnline(userId = "u1")).status)
            seen(rc.userBlockAdd(userIds = listOf("u2"), minute = 5))
            assertEquals("u2", seen(rc.userBlockList()).users!![0]["userId"]!!.jsonPrimitive.content)
            seen(rc.userBlockRemove(userIds = listOf("u2")))
            val content = buildJsonObject { put("content", "hi & 你好") }
            val pub = seen(rc.messagePrivatePublish(fromUserId = "u1", toUserIds = listOf("u2"), objectName = "RC:TxtMsg", content = content))
            val uid = pub.messageUids!![0]["messageUID"]!!.jsonPrimitive.content
            seen(rc.groupCreate(userIds = listOf("u1", "u2"), groupId = "g1", groupName = "G"))
            seen(rc.groupJoin(userIds = listOf("u3"), groupId = "g1"))
            seen(rc.groupQuit(userIds = listOf("u2"), groupId = "g1"))
            seen(rc.groupRefresh(groupId = "g1", groupName = "G2"))
            assertEquals(listOf("u1", "u3"), seen(rc.groupMembers(groupId = "g1")).users!!.map { it["id"]!!.jsonPrimitive.content })
            seen(rc.messageGroupPublish(fromUserId = "u1", toGroupIds = listOf("g1"), objectName = "RC:TxtMsg", content = JsonPrimitive("{\"content\":\"x\"}")))
            seen(rc.messageSystemPublish(fromUserId = "s", toUserIds = listOf("u1"), objectName = "RC:TxtMsg", content = content))
            seen(rc.messageRecall(fromUserId = "u1", conversationType = 1, targetId = "u2", messageUid = uid, sentTime = 1))
            seen(rc.groupDismiss(userId = "u1", groupId = "g1"))
            seen(rc.chatroomCreate(chatroomId = "r1"))
            assertEquals("r1", seen(rc.chatroomQuery(chatroomId = "r1")).chatroomId)
            seen(rc.chatroomDestroy(chatroomIds = listOf("r1")))
            seen(rc.userTagSet(userId = "u1", tags = listOf("vip")))
            assertNotNull(seen(rc.push(platform = listOf("ios"), audience = buildJsonObject { put("is_to_all", true) }, notification = buildJsonObject { put("alert", "hi") })).id)
            assertEquals(opNames("rongcloud"), opsSeen(emu))
            assertTypedResults("rongcloud", "RongCloud", results)
            assertEquals(listOf("private", "group", "system"), emu.sentMessages().map { it["target_type"]!!.jsonPrimitive.content })
        }
    }

    @Test
    fun easemobEveryOperation(): Unit = runBlocking {
        Emulator().use { emu ->
            val em = emu.easemob()
            val results = mutableListOf<Any>()
            fun <R : Any> seen(r: R): R = r.also { results += it }
            seen(em.authAppToken(ttl = 600))
            val alice = seen(em.userRegister(username = "alice", password = "pw", nickname = "Alice"))
            assertEquals("alice", alice[0].username)
            seen(em.userRegisterBatch(users = listOf(buildJsonObject { put("username", "bob"); put("password", "p") }, buildJsonObject { put("username", "carol"); put("password", "p") })))
            val got = seen(em.userGet(username = "alice"))
            assertEquals(alice[0].uuid, got.first().uuid)
            emu.setOnline("alice")
            assertEquals("online", (seen(em.userStatus(username = "alice")).data as JsonObject)["alice"]!!.jsonPrimitive.content)
            assertEquals(2, (seen(em.userStatusBatch(usernames = listOf("alice", "bob"))).data as JsonArray).size)
            val gid = seen(em.groupCreate(groupname = "team", public = true, owner = "alice", members = listOf("bob"))).groupid!!
            assertEquals(2L, seen(em.groupGet(groupIds = listOf(gid)))[0].affiliationsCount)
            assertEquals(listOf("carol"), seen(em.groupMembersAdd(groupId = gid, usernames = listOf("carol"))).newmembers)
            assertEquals(3, (seen(em.groupMembers(groupId = gid, pagenum = 1, pagesize = 10)).data as JsonArray).size)
            seen(em.groupMembersRemove(groupId = gid, usernames = listOf("carol")))
            seen(em.groupAnnouncementSet(groupId = gid, announcement = "公告 & news"))
            assertEquals("公告 & news", seen(em.groupAnnouncementGet(groupId = gid)).announcement)
            val dir = Files.createTempDirectory("imcloud-kt")
            val plan = dir.resolve("plan.txt").also { Files.write(it, ByteArray(100_000) { 'x'.code.toByte() }) }
            val up = seen(em.groupShareFileUpload(FileInput.of(plan), groupId = gid))
            assertEquals("plan.txt", up.fileName)
            assertEquals(100_000L, up.fileSize)
            assertEquals(up.fileId, seen(em.groupShareFiles(groupId = gid, pagesize = 10))[0].fileId)
            val copy = dir.resolve("copy.txt")
            assertEquals(100_000L, seen(em.groupShareFileDownload(groupId = gid, fileId = up.fileId!!, dest = copy.toString())).bytes)
            assertContentEquals(Files.readAllBytes(plan), Files.readAllBytes(copy))
            assertEquals(true, seen(em.groupShareFileDelete(groupId = gid, fileId = up.fileId!!)).result)
            val att = seen(em.attachmentUpload(FileInput.Bytes(byteArrayOf(1, 2, 3), "p.jpg"), restrictAccess = true))
            assertContentEquals(byteArrayOf(1, 2, 3), seen(em.attachmentDownload(uuid = att.uuid!!, shareSecret = att.shareSecret)).data)
            val url = "https://x/chatfiles/${att.uuid}"
            seen(em.messageSendText(targetType = "users", from = "alice", to = listOf("bob"), msg = "hi"))
            seen(em.messageSendImage(targetType = "users", to = listOf("bob"), url = url, filename = "p.jpg", width = 1, height = 1))
            seen(em.messageSendAudio(targetType = "users", to = listOf("bob"), url = url, filename = "a.amr", length = 2))
            seen(em.messageSendVideo(targetType = "users", to = listOf("bob"), url = url, filename = "v.mp4"))
            seen(em.messageSendFile(targetType = "chatgroups", to = listOf(gid), url = url, filename = "f.pdf"))
            seen(em.messageSendCmd(targetType = "chatrooms", to = listOf("room"), action = "refresh"))
            seen(em.messageSendCustom(targetType = "users", to = listOf("bob"), customEvent = "gift", customExts = mapOf("n" to "1")))
            assertEquals(listOf("txt", "img", "audio", "video", "file", "cmd", "custom"), emu.sentMessages().map { it["kind"]!!.jsonPrimitive.content })
            seen(em.groupDelete(groupId = gid))
            seen(em.userDelete(username = "carol"))
            assertEquals(opNames("easemob"), opsSeen(emu))
            assertTypedResults("easemob", "Easemob", results)
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
