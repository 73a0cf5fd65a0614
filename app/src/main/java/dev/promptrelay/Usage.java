package dev.promptrelay;

/**
 * What {@code java -jar promptrelay.jar --help} prints.
 */
final class Usage {

    static final String TEXT = """
            promptrelay: prompt files in, AI-generated images and videos out.

            Usage:
              java -jar promptrelay.jar            run as a service: watch the inbox, serve the HTTP API, run schedules
              java -jar promptrelay.jar --once     process what is in the inbox now, wait for its jobs, then exit:
                                                   0 when every file was archived, 1 when any went to failed/
                                                   (no HTTP API, operations server or schedules; for cron and CI)
              java -jar promptrelay.jar --providers  every provider (built in, shipped profiles, yours in providers/),
                                                   its models and whether its key is set
              java -jar promptrelay.jar --help     this text

            Folders (relative to the working directory):
              inbox/         drop prompt files here (.txt .md .json .jsonl .yaml .yml)   promptrelay.inbox
              outbox/        images, videos, sidecars, <name>.summary.json             promptrelay.outbox
              archive/       prompt files whose jobs all succeeded                     promptrelay.archive
              failed/        rejected or partly failed files, with <name>.error.json   promptrelay.failed
              .promptrelay/  the job journal and files in progress                     promptrelay.state-dir

            Ports (127.0.0.1 unless you set the host):
              8321  HTTP API: POST /api/jobs, GET /api/jobs, GET /api/jobs/{id}         camel.server.host, .port
              8322  GET /observe/health, GET /observe/metrics                          camel.management.host, .port

            Keys, from the environment (without any, a built-in sandbox answers with placeholders):
              MODELSCOPE_API_KEY   MODELLIX_API_KEY   SCENARIO_API_KEY + SCENARIO_API_SECRET
              REPLICATE_API_TOKEN  FAL_KEY            BFL_API_KEY          OPENAI_API_KEY

            Settings: ./application.properties, environment variables (PROMPTRELAY_INBOX for promptrelay.inbox)
            or -Dpromptrelay.inbox=... options. Every setting is listed in docs/settings.md.
            """;

    private Usage() {
    }
}
