package dev.planexec.agent;

/** A session cannot be resumed: it is gone, corrupt, or the backend refused it. Starting fresh is the way on. */
public final class SessionUnavailableException extends AgentException {
    private static final long serialVersionUID = 1L;

    public SessionUnavailableException(String message) {
        super(message);
    }

    public SessionUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
