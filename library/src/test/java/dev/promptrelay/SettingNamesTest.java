package dev.promptrelay;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingNamesTest {

    private final SettingNames names = SettingNames.promptrelays();

    @Test
    void aMisspeltSettingIsNamedWithTheClosestRealOne() {
        assertThatThrownBy(() -> names.check(Map.of("promptrelay.inbx", "application.properties")))
                .hasMessage("promptrelay has no setting promptrelay.inbx (application.properties): did you mean "
                            + "promptrelay.inbox?");
        assertThatThrownBy(() -> names.check(Map.of("promptrelay.sandbox.task-milis", "-D option")))
                .hasMessageContaining("did you mean promptrelay.sandbox.task-millis?");
        assertThatThrownBy(() -> names.check(Map.of("promptrelay.something-else-entirely", "-D option")))
                .hasMessageContaining("see docs/settings.md");
    }

    @Test
    void realSettingsSchedulesAndOtherPrefixesPass() {
        assertThatCode(() -> names.check(Map.of("promptrelay.inbox", "x", "promptrelay.modelscope.api-key", "x",
                "promptrelay.schedules.daily.cron", "x", "promptrelay.schedules.daily.prompt-file", "x",
                "camel.main.name", "x", "promptrelay.cluster.node", "x"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> names.check(Map.of("promptrelay.schedules.daily.crn", "x")))
                .hasMessageContaining("promptrelay.schedules.daily.crn");
    }

    @Test
    void environmentVariablesAreCheckedByTheirSettingsNames() {
        assertThatCode(() -> names.checkEnvironment(Map.of("PROMPTRELAY_API_TOKEN", "x", "PROMPTRELAY_INBOX", "x",
                "PROMPTRELAY_SANDBOX_TASK_MILLIS", "x", "PATH", "x", "MODELSCOPE_API_KEY", "x",
                "PROMPTRELAY_SCHEDULES_NIGHTLY_PROMPT_FILE", "x", "PROMPTRELAY_SCHEDULES_DAILY_CRON", "x")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> names.checkEnvironment(Map.of("PROMPTRELAY_INBX", "x")))
                .hasMessageContaining("did you mean PROMPTRELAY_INBOX (promptrelay.inbox)?");
    }

    @Test
    void intakeAndOutletSettingsPassAndTheirMisspellingsDoNot() {
        assertThatCode(() -> names.check(Map.of("promptrelay.intake.orders.uri", "x",
                "promptrelay.intake.orders.failed-uri", "x", "promptrelay.intake.partner-sftp.format", "x",
                "promptrelay.outlet.results.uri", "x", "promptrelay.outlet.results.intake", "x",
                "promptrelay.outlet.results.provider", "x", "promptrelay.outlet.results.summaries", "x",
                "promptrelay.outlet.results.sidecars", "x"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> names.check(Map.of("promptrelay.intake.orders.url", "x")))
                .hasMessageContaining("promptrelay.intake.orders.url");
        assertThatThrownBy(() -> names.check(Map.of("promptrelay.outlets.results.uri", "x")))
                .hasMessageContaining("promptrelay.outlets.results.uri");
        assertThatCode(() -> names.checkEnvironment(Map.of("PROMPTRELAY_INTAKE_ORDERS_URI", "x",
                "PROMPTRELAY_INTAKE_ORDERS_FAILED_URI", "x", "PROMPTRELAY_OUTLET_RESULTS_PROVIDER", "x")))
                .doesNotThrowAnyException();
    }
}
