package dev.promptrelay;

import java.util.Map;

import dev.promptrelay.provider.HttpAnswer;
import dev.promptrelay.provider.ModelScopeMapping;
import dev.promptrelay.provider.ProviderSettings;
import dev.promptrelay.provider.TaskReport;
import dev.promptrelay.provider.TaskStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer shape PROVIDERS.md lists for ModelScope maps onto the right outcome.
 */
class ModelScopeAnswersTest {

    final ModelScopeMapping mapping = new ModelScopeMapping(
            new ProviderSettings("modelscope", "https://example.invalid", "k", "", "m", false, 1));

    static HttpAnswer ok(String body) {
        return new HttpAnswer(200, Map.of(), body);
    }

    @Test
    void taskIdAsTextAsNumberOrWithSucceedMeaningAccepted() {
        assertThat(mapping.taskIdFrom(ok("{\"task_id\": \"5075521\", \"request_id\": \"r\"}"))).isEqualTo("5075521");
        assertThat(mapping.taskIdFrom(ok("{\"task_id\": 5075521}"))).isEqualTo("5075521");
        assertThat(mapping.taskIdFrom(ok("{\"task_status\": \"SUCCEED\", \"task_id\": \"8f1c0a7e\"}"))).isEqualTo("8f1c0a7e");
        assertThat(mapping.taskIdFrom(ok("{\"request_id\": \"r\"}"))).isNull();
        assertThat(mapping.taskIdFrom(ok("<html>gateway</html>"))).isNull();
    }

    @Test
    void runningWordsAndUnknownWordsKeepPolling() {
        assertThat(mapping.readPoll(ok("{\"task_status\": \"PENDING\"}")).status()).isEqualTo(TaskStatus.SUBMITTED);
        assertThat(mapping.readPoll(ok("{\"task_status\": \"RUNNING\"}")).status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(mapping.readPoll(ok("{\"task_status\": \"PROCESSING\", \"outputs\": {}}")).status())
                .isEqualTo(TaskStatus.RUNNING);
        assertThat(mapping.readPoll(ok("{\"task_status\": \"QUEUEING\"}")).status()).isEqualTo(TaskStatus.UNKNOWN);
        assertThat(mapping.readPoll(ok("{}")).status()).isEqualTo(TaskStatus.UNKNOWN);
    }

    @Test
    void successCarriesTheImageUrls() {
        TaskReport report = mapping.readPoll(ok("{\"task_status\": \"SUCCEED\", \"output_images\": "
                                                + "[\"https://muse-ai.oss-cn-hangzhou.aliyuncs.com/img/d2fd4ef0.png\"], \"time_taken\": 18812.86}"));
        assertThat(report.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(report.outputs()).singleElement().satisfies(o -> {
            assertThat(o.url()).endsWith("d2fd4ef0.png");
            assertThat(o.extension()).isEqualTo("png");
        });
    }

    @Test
    void failuresKeepTheProvidersMessageAndTaskNotFoundIsFlaggedAsPossiblyTransient() {
        TaskReport moderated = mapping.readPoll(ok("{\"errors\": {\"code\": 422, \"message\": "
                                                   + "\"Output data may contain inappropriate content.\"}, \"request_id\": \"r-2\", \"task_status\": \"FAILED\"}"));
        assertThat(moderated.status()).isEqualTo(TaskStatus.FAILED);
        assertThat(moderated.message()).isEqualTo("Output data may contain inappropriate content.");
        assertThat(moderated.notFoundYet()).isFalse();

        TaskReport notFound = mapping.readPoll(ok("{\"errors\": {\"code\": 500, \"message\": \"task not found\"}, \"task_status\": \"FAILED\"}"));
        assertThat(notFound.notFoundYet()).isTrue();

        assertThat(mapping.readPoll(ok("{\"task_status\": \"CANCELED\"}")).status()).isEqualTo(TaskStatus.FAILED);
    }

    @Test
    void errorMessagesFromEitherPlaceOrTheRawBody() {
        assertThat(mapping.errorMessage(new HttpAnswer(429, Map.of(),
                "{\"errors\": {\"message\": \"Request limit exceeded.\", \"request_id\": \"x\"}}")))
                .isEqualTo("Request limit exceeded.");
        assertThat(mapping.errorMessage(new HttpAnswer(400, Map.of(), "{\"message\": \"bad size\"}"))).isEqualTo("bad size");
        assertThat(mapping.errorMessage(new HttpAnswer(502, Map.of(), "Bad   Gateway\n"))).isEqualTo("Bad Gateway");
    }
}
