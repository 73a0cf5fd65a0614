package dev.promptrelay.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Every error the API answers: what is wrong and what to do; for a rejected job also the line and field it names,
 * and the id under which the rejected request is listed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ApiError(String error, Integer line, String field, String whatToDo, String id) {

    static ApiError of(String error, String whatToDo) {
        return new ApiError(error, null, null, whatToDo, null);
    }
}
