package dev.promptrelay.sandbox;

import java.util.concurrent.CountDownLatch;

/**
 * Runs the sandbox provider on its own, for trying the real client against it or for benchmarks:
 * {@code java -cp target/promptrelay.jar dev.promptrelay.sandbox.SandboxMain --port 8090 --task-millis 2000}.
 */
public final class SandboxMain {

    private SandboxMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8090;
        long taskMillis = 2000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--task-millis" -> taskMillis = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                                                              + " (use --port N and --task-millis N)");
            }
        }
        SandboxServer server = new SandboxServer(new SandboxBehaviour(taskMillis, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(port);
        System.out.println("promptrelay sandbox listening on " + server.baseUrl() + ". Point promptrelay at it with "
                           + "PROMPTRELAY_MODELSCOPE_BASE_URL=" + server.baseUrlFor("modelscope")
                           + " PROMPTRELAY_MODELLIX_BASE_URL=" + server.baseUrlFor("modellix")
                           + " PROMPTRELAY_SCENARIO_BASE_URL=" + server.baseUrlFor("scenario")
                           + " and any keys. Counts at " + server.baseUrl() + "/_sandbox/stats");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
    }
}
