package dev.promptrelay.endpoint;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IntakeTest {

    private static final DefaultCamelContext CAMEL = new DefaultCamelContext();

    @Test
    void theAcknowledgementOptionsAreAddedOnlyWhereTheUriSaysNothing() {
        assertThat(new Intake("orders", "jms:queue:prompts", "", "").consumerUri())
                .isEqualTo("jms:queue:prompts?transacted=true");
        assertThat(new Intake("orders", "jms:queue:prompts?acknowledgementModeName=CLIENT_ACKNOWLEDGE", "", "")
                .consumerUri()).doesNotContain("transacted");
        assertThat(new Intake("orders", "kafka:prompts?groupId=mine", "", "").consumerUri())
                .isEqualTo("kafka:prompts?groupId=mine&autoOffsetReset=earliest&autoCommitEnable=false"
                           + "&allowManualCommit=true&breakOnFirstError=true");
        assertThat(new Intake("partner", "sftp://u@h/prompts?readLock=none", "", "").consumerUri())
                .isEqualTo("sftp://u@h/prompts?readLock=none");
        assertThat(new Intake("partner", "sftp://u@h/prompts", "", "").consumerUri())
                .isEqualTo("sftp://u@h/prompts?readLock=changed");
        assertThat(new Intake("x", "seda:prompts", "", "").consumerUri()).isEqualTo("seda:prompts");
    }

    @Test
    void aPasswordInTheUriIsNeverShown() {
        assertThat(new Intake("p", "sftp://u@h/in?password=RAW(s3cret)", "", "").shown()).doesNotContain("s3cret");
    }

    @Test
    void aMessageIsKnownByItsIdentityAtItsEndpoint() {
        byte[] content = "a fox".getBytes();
        assertThat(IntakeMessages.keyOf(message("JMSMessageID", "ID:42"), content)).isEqualTo("jms:ID:42");
        assertThat(IntakeMessages.keyOf(message("kafka.TOPIC", "prompts", "kafka.PARTITION", 3, "kafka.OFFSET", 17L),
                content)).isEqualTo("kafka:prompts/3@17");
        assertThat(IntakeMessages.keyOf(message("PromptrelayMessageId", "order-1", "JMSMessageID", "ID:42"), content))
                .as("the sender's own id first").isEqualTo("id:order-1");
        String file = IntakeMessages.keyOf(message(Exchange.FILE_PATH, "prompts/a.txt", Exchange.FILE_LAST_MODIFIED, 5L),
                content);
        assertThat(file).startsWith("file::prompts/a.txt@5#5:");
        assertThat(IntakeMessages.keyOf(message(Exchange.FILE_PATH, "prompts/a.txt", Exchange.FILE_LAST_MODIFIED, 5L),
                "a cat".getBytes())).as("another content under the same name is another file").isNotEqualTo(file);
        assertThat(IntakeMessages.keyOf(message(), content)).startsWith("content:");
        assertThat(IntakeMessages.keyOf(message("PromptrelayMessageId", "x".repeat(2000)), content)).hasSizeLessThan(512);
    }

    @Test
    void aNameNeverLeavesItsFolderAndSaysItsFormat() {
        Intake plain = new Intake("orders", "jms:queue:p", "", "");
        assertThat(IntakeMessages.nameOf(plain, message("PromptrelayFileName", "../../etc/fox.json"), "k"))
                .isEqualTo("fox.json");
        assertThat(IntakeMessages.nameOf(plain, message("PromptrelayFileName", "..\\\\evil.txt"), "k")).isEqualTo("evil.txt");
        assertThat(IntakeMessages.nameOf(plain, message("CamelFileName", "sub/batch.yaml"), "k")).isEqualTo("batch.yaml");
        assertThat(IntakeMessages.nameOf(plain, message(), "k")).matches("orders-[0-9a-f]{12}\\.json");
        assertThat(IntakeMessages.nameOf(plain, message(), "k")).as("the same message, the same name")
                .isEqualTo(IntakeMessages.nameOf(plain, message(), "k"));
        Intake text = new Intake("lines", "kafka:p", "", "txt");
        assertThat(IntakeMessages.nameOf(text, message("PromptrelayFileName", "batch"), "k")).isEqualTo("batch.txt");
        assertThat(IntakeMessages.nameOf(text, message(), "k")).endsWith(".txt");
        assertThat(IntakeMessages.nameOf(plain, message("CamelAwsS3Key", "prompts/2026/fox.yaml"), "k"))
                .isEqualTo("fox.yaml");
    }

    @Test
    void sidecarFieldsBecomeHeaderNames() {
        assertThat(OutletDeliveries.headerName("task_id")).isEqualTo("PromptrelayTaskId");
        assertThat(OutletDeliveries.headerName("prompt")).isEqualTo("PromptrelayPrompt");
        assertThat(OutletDeliveries.headerName("job")).isEqualTo("PromptrelayJobNumber");
        assertThat(OutletDeliveries.headerName("kind")).isEqualTo("PromptrelayMediaKind");
        assertThat(OutletDeliveries.contentType("fox/001-1.png")).isEqualTo("image/png");
        assertThat(OutletDeliveries.contentType("fox/001-1.MP4")).isEqualTo("video/mp4");
    }

    @Test
    void outletsKeepSidecarsWhereFilesAreKept() {
        assertThat(Outlet.keepsFiles("sftp://h/results")).isTrue();
        assertThat(Outlet.keepsFiles("aws2-s3://bucket")).isTrue();
        assertThat(Outlet.keepsFiles("jms:queue:results")).isFalse();
        assertThat(new Outlet("r", "kafka:results", null, false).producerUri())
                .isEqualTo("kafka:results?valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer");
        assertThat(new Outlet("r", "kafka:results?valueSerializer=x", null, false).producerUri())
                .isEqualTo("kafka:results?valueSerializer=x");
    }

    private static DefaultMessage message(Object... headers) {
        DefaultMessage message = new DefaultMessage(CAMEL);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            message.setHeader((String) headers[i], headers[i + 1]);
        }
        return message;
    }
}
