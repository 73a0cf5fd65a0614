package dev.promptrelay.api;

/**
 * What an API call answers: its HTTP status and the reply, which the REST binding writes as JSON (or, for an output
 * file, the {@link StoredOutput} the route streams).
 */
public record ApiReply(int status, Object content) {

    static ApiReply of(int status, Object content) {
        return new ApiReply(status, content);
    }

    static ApiReply error(int status, String error, String whatToDo) {
        return new ApiReply(status, ApiError.of(error, whatToDo));
    }

    /** The journal's database cannot be reached: nothing was changed, and the call can be made again later. */
    public static ApiReply journalAway() {
        return error(503, "the job journal's database cannot be reached just now, so nothing was changed",
                "try again in a few seconds; /observe/health shows the journal check UP once it answers");
    }
}
