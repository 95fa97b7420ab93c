package dev.planexec.agent.cli;

import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentEventListener;

/**
 * What one run of a CLI reported, filled in by its {@link CliAgent#onEvent} as the JSON lines arrive: the events for
 * the user, the session id it named, its final text and whether it ended well.
 */
public final class Turn {
    private final AgentEventListener listener;
    private final StringBuilder message = new StringBuilder();
    private String sessionId;
    private String finalText;
    private String error;
    private boolean ended;

    Turn(AgentEventListener listener) {
        this.listener = listener;
    }

    /** Hands an event to the user. */
    public void emit(AgentEvent event) {
        listener.onEvent(event);
    }

    /** A piece of the reply; the pieces since the last {@link #newMessage} make up the final text if none is given. */
    public void delta(String text) {
        if (text != null && !text.isEmpty()) {
            message.append(text);
            emit(new AgentEvent.MessageDelta(text));
        }
    }

    /** A whole message of the agent: the latest is the final text unless the CLI gives one. */
    public void message(String text) {
        if (text != null && !text.isEmpty()) {
            newMessage();
            delta(text);
        }
    }

    /** The whole text of the message the deltas made, as the CLI sends it at the message's end; not shown again. */
    public void messageEnded(String text) {
        if (text != null && !text.isEmpty()) {
            message.setLength(0);
            message.append(text);
        }
    }

    /** The next delta starts a new message (after a tool call, say). */
    public void newMessage() {
        if (message.length() > 0) {
            message.setLength(0);
        }
    }

    /** The session id the CLI named in this run. */
    public void sessionId(String id) {
        if (id != null && !id.isBlank()) {
            sessionId = id;
        }
    }

    /**
     * What a model call or the run used, as the CLI reported it (missing numbers are 0; {@code costUsd} is
     * {@code null} when the CLI reports no cost).
     */
    public void usage(long inputTokens, long outputTokens, long cachedTokens, Double costUsd) {
        if (inputTokens > 0 || outputTokens > 0 || cachedTokens > 0 || costUsd != null) {
            emit(new AgentEvent.Usage(inputTokens, outputTokens, cachedTokens, costUsd));
        }
    }

    /** The run ended well; {@code text} is its final message, or {@code null} to use the last message. */
    public void completed(String text) {
        ended = true;
        if (text != null && !text.isBlank()) {
            finalText = text;
        }
    }

    /** The run ended with an error the CLI reported in its stream. */
    public void failed(String message) {
        ended = true;
        error = message == null || message.isBlank() ? "the agent reported an error" : message;
        emit(new AgentEvent.Error(error));
    }

    String sessionId() {
        return sessionId;
    }

    boolean ended() {
        return ended;
    }

    String error() {
        return error;
    }

    String finalText() {
        return finalText != null ? finalText : message.toString();
    }
}
