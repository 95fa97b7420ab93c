package dev.planexec.agent;

import java.util.List;
import java.util.Optional;

/**
 * An agent that cannot work on tasks here (no CLI, not signed in, a CLI version planexec does not support): every new
 * or resumed session fails at once with the one-line reason, so only the tasks that need this agent fail and the
 * run goes on with the others. Listing, finding and deleting sessions still reach the backend when it could be
 * opened (a signed-out Copilot can still say whether a session exists), and fail with the reason when it could not.
 */
public final class UnreadyRuntime implements AgentRuntime {
    private final String name;
    private final String reason;
    private final AgentRuntime opened;

    /**
     * @param opened the backend, if it could be opened but is not ready; {@code null} if it could not be opened
     */
    public UnreadyRuntime(String name, String reason, AgentRuntime opened) {
        this.name = name;
        this.reason = reason;
        this.opened = opened;
    }

    /** The one-line reason its tasks fail with. */
    public String reason() {
        return reason;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public AgentSession create(SessionSpec spec) throws AgentException {
        throw new AgentException(reason);
    }

    @Override
    public AgentSession resume(SessionSpec spec) throws AgentException {
        throw new AgentException(reason);
    }

    @Override
    public void checkReady() throws AgentException {
        throw new AgentException(reason);
    }

    @Override
    public List<SessionInfo> list(SessionFilter filter) throws AgentException {
        return backend().list(filter);
    }

    @Override
    public Optional<SessionInfo> find(String sessionId) throws AgentException {
        return backend().find(sessionId);
    }

    @Override
    public void delete(String sessionId) throws AgentException {
        backend().delete(sessionId);
    }

    @Override
    public void close() {
        if (opened != null) {
            opened.close();
        }
    }

    private AgentRuntime backend() throws AgentException {
        if (opened == null) {
            throw new AgentException(reason);
        }
        return opened;
    }
}
