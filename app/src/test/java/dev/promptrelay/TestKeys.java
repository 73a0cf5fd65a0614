package dev.promptrelay;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The API keys tests give the application. Each holds {@link #MARKER}, so {@code SecretsIT} can look for it in every
 * log and output file the tests produced.
 */
final class TestKeys {

    static final String MARKER = "s3cr3t";
    static final String MODELSCOPE = "ms-s3cr3t-modelscope-key";
    static final String MODELLIX = "mdlx-s3cr3t-modellix-key";
    static final String SCENARIO_KEY = "s3cr3t-scenario-key";
    static final String SCENARIO_SECRET = "s3cr3t-scenario-secret";
    static final String REPLICATE = "r8_s3cr3t-replicate-token";
    static final String FAL = "fal-s3cr3t-key:secret";
    static final String BFL = "bfl-s3cr3t-key";

    private TestKeys() {
    }

    /** The Scenario key pair as it travels in an Authorization header. */
    static String scenarioBasic() {
        return "Basic " + Base64.getEncoder().encodeToString((SCENARIO_KEY + ":" + SCENARIO_SECRET)
                .getBytes(StandardCharsets.UTF_8));
    }
}
