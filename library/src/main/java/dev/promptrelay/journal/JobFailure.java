package dev.promptrelay.journal;

/**
 * A job that cannot succeed, with what to tell the user: what went wrong and what to do next.
 */
public class JobFailure extends RuntimeException {

    private final JobState state;
    private final String nextStep;

    public JobFailure(JobState state, String reason, String nextStep) {
        super(reason);
        this.state = state;
        this.nextStep = nextStep;
    }

    public static JobFailure failed(String reason, String nextStep) {
        return new JobFailure(JobState.FAILED, reason, nextStep);
    }

    /** An exception as one line for users: its type and message. */
    public static String describe(Throwable cause) {
        if (cause == null) {
            return "no detail";
        }
        String type = cause.getClass().getSimpleName();
        return cause.getMessage() == null ? type : type + ": " + cause.getMessage();
    }

    public JobState state() {
        return state;
    }

    public String nextStep() {
        return nextStep;
    }
}
