package dev.promptrelay.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A request (a prompt file, an API call, an embedded call) as it is reported: one state word, why it was rejected if
 * it was, how many of its jobs have ended (and failed), whether its results are sandbox placeholders, its providers,
 * the output paths and URLs with each output's prompt (a caption), and (asked for one request) each job's outcome.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RequestReport(String id, String name, String state, String error, String whatToDo, boolean sandbox,
                            String receivedAt, int jobsTotal, int jobsEnded, int jobsFailed, List<String> providers,
                            List<String> outputs, List<String> outputUrls, List<String> outputPrompts,
                            List<Map<String, Object>> jobs, Map<String, Double> costs) {
}
