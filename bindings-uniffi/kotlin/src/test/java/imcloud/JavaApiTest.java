package imcloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import imcloud.testing.Emulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Java views (client.blocking(), client.async()) and the emulator, used from Java. */
class JavaApiTest {
    private static void waitForRequest(Emulator emu, int host) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (emu.requestCount(host) == 0) {
            assertTrue(System.nanoTime() < until, "no request reached host " + host);
            Thread.sleep(10);
        }
    }

    @Test
    void blockingAndFutureCalls() throws Exception {
        try (Emulator emu = new Emulator()) {
            RongCloud rc = emu.rongcloud();
            RongCloudUserRegisterResult ann = rc.blocking().userRegister("u1", "Ann");
            assertNotNull(ann.getToken());
            assertEquals(emu.getHosts().get(0), ann.getHost());
            assertEquals(200, ann.getHttpStatus());

            // a future of a typed result, composed without blocking
            CompletableFuture<String> token = rc.async().userRegister("u2", "Bob", "https://example.com/bob.png")
                    .thenApply(RongCloudUserRegisterResult::getToken);
            assertNotNull(token.get(10, TimeUnit.SECONDS));
            assertEquals(2, emu.requestCount(0, "user.register"));

            emu.setOnline("u2", true);
            assertEquals("1", rc.async().userCheckOnline("u2").get(10, TimeUnit.SECONDS).getStatus());
            assertEquals("0", rc.blocking().userCheckOnline("u1").getStatus());

            // JSON parameters are plain Java maps and lists
            Easemob em = emu.easemob();
            em.blocking().userRegister("alice", "pw");
            em.blocking().userRegister("bob", "pw");
            assertNotNull(em.blocking().messageSendText("users", List.of("bob"), "Hi Bob!", "alice").getHost());
            assertEquals(1, emu.sentMessages().size());
        }
    }

    @Test
    void typedExceptionsBlockingAndInFutures() throws Exception {
        try (Emulator emu = new Emulator()) {
            Easemob em = emu.easemob();
            try {
                em.blocking().userGet("nobody");
                throw new AssertionError("userGet of an unknown user succeeded");
            } catch (NotFoundException e) {
                assertEquals("not_found", e.getKind());
                assertEquals(404, e.getHttpStatus());
                assertEquals("service_resource_not_found", e.getApiCode());
                assertEquals("user.get", e.getOperation());
                assertFalse(e.getRetryable());
            }

            CompletableFuture<EasemobUserGetResult> f = em.async().userGet("nobody");
            ExecutionException ee = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            NotFoundException nf = assertInstanceOf(NotFoundException.class, ee.getCause());
            assertEquals(404, nf.getHttpStatus());
            CompletionException ce = assertThrows(CompletionException.class, f::join);
            assertInstanceOf(NotFoundException.class, ce.getCause());

            // refused before sending: the parameter at fault
            InvalidArgumentException bad = assertThrows(InvalidArgumentException.class,
                    () -> em.blocking().groupAnnouncementSet("1", "x".repeat(513)));
            assertEquals("announcement", bad.getParam());
            assertEquals(0, emu.requestCount(0, "group.announcement.set"));
        }
    }

    @Test
    void secretsStayOutOfToStringAndErrors() throws Exception {
        String secret = "wrong-secret-123";
        try (Emulator emu = new Emulator()) {
            RongCloud bad = emu.rongcloud(Map.of("app_secret", secret));
            AuthenticationException e = assertThrows(AuthenticationException.class, () -> bad.blocking().userCheckOnline("u"));
            assertEquals(401, e.getHttpStatus());
            assertEquals("1004", e.getApiCode());
            ExecutionException ee = assertThrows(ExecutionException.class, () -> bad.async().userCheckOnline("u").get(10, TimeUnit.SECONDS));
            for (String shown : List.of(bad.toString(), e.toString(), String.valueOf(e.getMessage()), e.getDetail(), ee.toString(), ee.getCause().toString())) {
                assertFalse(shown.contains(secret), shown);
            }
            RongCloud own = new RongCloud("k", "the-secret-xyz", "singapore");
            assertTrue(own.toString().startsWith("RongCloud<"), own.toString());
            assertFalse(own.toString().contains("the-secret-xyz"), own.toString());

            // a result's toString shows the secret fields redacted (the token is one)
            RongCloudUserRegisterResult r = emu.rongcloud().blocking().userRegister("u9", "Nine");
            assertFalse(r.toString().contains(r.getToken()), r.toString());
        }
    }

    @Test
    void optionsAndFilesFromJava() throws Exception {
        try (Emulator emu = new Emulator()) {
            List<String> hosts = emu.getHosts();
            // http:// hosts are refused unless the option allows them: the option reaches the core
            ConfigException refused = assertThrows(ConfigException.class, () -> new RongCloud("k", "s", null, hosts));
            assertTrue(refused.getMessage().contains("allow_insecure_http"), refused.getMessage());
            ClientOptions options = new ClientOptions().withAllowInsecureHttp(true).withRequestTimeout(5.0);
            assertEquals(5.0, options.getRequestTimeout());
            assertEquals(null, options.getMaxAttempts());
            new RongCloud("k", "s", null, hosts, options).close();

            Easemob em = emu.easemob();
            byte[] bytes = "tiny jpeg".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            EasemobAttachmentUploadResult up = em.async().attachmentUpload(new FileInput.Bytes(bytes, "cat.jpg")).get(10, TimeUnit.SECONDS);
            assertNotNull(up.getUuid());
            DownloadResult back = em.blocking().attachmentDownload(up.getUuid(), up.getShareSecret());
            assertEquals(bytes.length, back.getBytes());
            assertEquals(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), new String(back.getData(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void pagesAsAnIterable() throws Exception {
        try (Emulator emu = new Emulator()) {
            Easemob em = emu.easemob();
            em.blocking().userRegister("alice", "pw");
            List<String> created = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                created.add(em.blocking().chatroomCreate("lobby " + i, "a room", "alice").getId());
            }
            int pages = 0;
            List<String> seen = new ArrayList<>();
            for (EasemobChatroomListResult page : em.blocking().chatroomListPages(2L)) {
                pages++;
                assertTrue(page.getSize() <= 2, page.toString());
                for (EasemobChatroomListItem room : page) {
                    seen.add(room.getId());
                }
            }
            assertEquals(2, pages);
            assertEquals(created.stream().sorted().toList(), seen.stream().sorted().toList());
            assertEquals(2, emu.requestCount(0, "chatroom.list"));

            // a future per page: each page's next() is the following page's future
            List<String> viaFutures = new ArrayList<>();
            Page<EasemobChatroomListResult> page = em.async().chatroomListPages(2L).get(10, TimeUnit.SECONDS);
            int futurePages = 1;
            page.getResult().forEach(room -> viaFutures.add(room.getId()));
            while (page.hasNext()) {
                page = page.next().get(10, TimeUnit.SECONDS);
                futurePages++;
                page.getResult().forEach(room -> viaFutures.add(room.getId()));
            }
            assertEquals(null, page.next());
            assertEquals(2, futurePages);
            assertEquals(seen, viaFutures);
            assertEquals(4, emu.requestCount(0, "chatroom.list"));
        }
    }

    @Test
    void cancellingAFutureCancelsTheRequest() throws Exception {
        try (Emulator emu = new Emulator()) {
            emu.setFault(0, "hang");
            emu.setFault(1, "hang");
            RongCloud rc = emu.rongcloud(Map.of("request_timeout", 1));
            // left alone, a call that hangs on the primary times out there and moves on to the backup
            ExecutionException timedOut = assertThrows(ExecutionException.class,
                    () -> rc.async().userCheckOnline("u").get(30, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, timedOut.getCause());
            assertTrue(emu.requestCount(1) > 0, "the control call reached the backup");

            emu.clearRequests();
            CompletableFuture<RongCloudUserCheckOnlineResult> f = rc.async().userCheckOnline("u");
            waitForRequest(emu, 0);
            assertTrue(f.cancel(true));
            assertTrue(f.isCancelled());
            assertThrows(CancellationException.class, f::join);
            Thread.sleep(2500);
            assertEquals(0, emu.requestCount(1), "the cancelled call never moved on to the backup");
        }
    }

    @Test
    void interruptingABlockingCallCancelsIt() throws Exception {
        try (Emulator emu = new Emulator()) {
            emu.setFault(0, "hang");
            emu.setFault(1, "hang");
            RongCloud rc = emu.rongcloud(Map.of("request_timeout", 1));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flagKept = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    rc.blocking().userCheckOnline("u");
                } catch (Throwable e) {
                    thrown.set(e);
                    flagKept.set(Thread.currentThread().isInterrupted());
                }
            });
            t.start();
            waitForRequest(emu, 0);
            t.interrupt();
            t.join(5000);
            assertFalse(t.isAlive(), "the interrupted call returned");
            assertInstanceOf(CancellationException.class, thrown.get());
            assertEquals(Boolean.TRUE, flagKept.get());
            Thread.sleep(2500);
            assertEquals(0, emu.requestCount(1), "the cancelled call never moved on to the backup");
        }
    }
}
