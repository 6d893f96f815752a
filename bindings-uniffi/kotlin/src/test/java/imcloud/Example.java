package imcloud;

import imcloud.testing.Emulator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * imcloud from Java: blocking calls, futures, a paged list and a typed error, against the local
 * emulator. Run it with `mvn -q test-compile exec:java -Dexec.mainClass=imcloud.Example`.
 */
public final class Example {
    private Example() {}

    public static void main(String[] args) throws Exception {
        try (Emulator emu = new Emulator()) {
            // in production: new RongCloud(appKey, appSecret, "singapore") / new Easemob(appKey, clientId, clientSecret, ...)
            RongCloud rc = emu.rongcloud();
            RongCloudBlocking rongcloud = rc.blocking();

            RongCloudUserRegisterResult ann = rongcloud.userRegister("u1", "Ann");
            System.out.println("registered u1, token " + ann.getToken().substring(0, 8) + "... via " + ann.getHost());

            // futures: several calls at once, then wait for all of them
            CompletableFuture<RongCloudUserRegisterResult> bob = rc.async().userRegister("u2", "Bob");
            CompletableFuture<RongCloudUserCheckOnlineResult> online = rc.async().userCheckOnline("u1");
            CompletableFuture.allOf(bob, online).join();
            System.out.println("u2 registered: " + (bob.join().getToken() != null) + ", u1 online status " + online.join().getStatus());

            Easemob em = emu.easemob();
            em.blocking().userRegister("alice", "pw");
            for (int i = 0; i < 3; i++) {
                em.blocking().chatroomCreate("room " + i, "a room", "alice");
            }
            // a paged list: one call per page as the loop goes
            int rooms = 0;
            for (EasemobChatroomListResult page : em.blocking().chatroomListPages(2L)) {
                rooms += page.getSize();
            }
            System.out.println("chat rooms listed page by page: " + rooms);

            em.blocking().messageSendText("users", List.of("bob"), "Hi Bob!", "alice");
            try {
                em.blocking().userGet("nobody");
            } catch (NotFoundException e) {
                System.out.println("typed error: " + e.getKind() + " (HTTP " + e.getHttpStatus() + ", code " + e.getApiCode() + ")");
            }
        }
    }
}
