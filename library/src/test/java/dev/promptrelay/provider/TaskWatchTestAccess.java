package dev.promptrelay.provider;

import java.util.Map;

/** Feeds a TaskWatch a ModelScope answer, as the poll route would. */
public final class TaskWatchTestAccess {

    private TaskWatchTestAccess() {
    }

    public static void polled(TaskWatch watch, TaskReport report) {
        watch.polled(report);
    }

    public static void polled(TaskWatch watch, String modelScopeAnswer) {
        ModelScopeMapping mapping = new ModelScopeMapping(new ProviderSettings("modelscope", "https://example.invalid",
                "k", "", "m", false, 1));
        watch.polled(mapping.readPoll(new HttpAnswer(200, Map.of(), modelScopeAnswer)));
    }
}
