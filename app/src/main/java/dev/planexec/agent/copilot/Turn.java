package dev.planexec.agent.copilot;

import com.github.copilot.sdk.generated.AssistantMessageDeltaEvent;
import com.github.copilot.sdk.generated.AssistantMessageEvent;
import com.github.copilot.sdk.generated.AssistantUsageEvent;
import com.github.copilot.sdk.generated.SessionErrorEvent;
import com.github.copilot.sdk.generated.SessionEvent;
import com.github.copilot.sdk.generated.SessionIdleEvent;
import com.github.copilot.sdk.generated.ToolExecutionCompleteEvent;
import com.github.copilot.sdk.generated.ToolExecutionPartialResultEvent;
import com.github.copilot.sdk.generated.ToolExecutionStartEvent;
import com.github.copilot.sdk.generated.UserMessageEvent;
import dev.planexec.agent.AgentEvent;
import dev.planexec.agent.AgentEventListener;
import dev.planexec.agent.TransientErrors;
import dev.planexec.agent.TurnResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * One prompt's turn in a Copilot session: maps the session's events onto planexec's {@link AgentEvent}s as they
 * come, and settles how the turn ended.
 *
 * <ul>
 *   <li>{@code assistant.message_delta} → {@link AgentEvent.MessageDelta};
 *   <li>{@code tool.execution_start} / {@code _partial_result} / {@code _complete} → {@link AgentEvent.ToolStart},
 *       {@link AgentEvent.Output}, {@link AgentEvent.ToolEnd};
 *   <li>{@code session.idle} → {@link AgentEvent.Idle} and {@link TurnResult.Completed} with the last assistant
 *       message; after an abort ({@code aborted: true}) → {@link TurnResult.Aborted};
 *   <li>{@code assistant.usage} (one per model call) → {@link AgentEvent.Usage} (its {@code cost} is a premium
 *       request multiplier, not dollars, so no cost is reported);
 *   <li>{@code session.error} → {@link AgentEvent.Error} and {@link TurnResult.Failed} with its message, transient
 *       for an HTTP 429 or 5xx.
 * </ul>
 *
 * <p>Events arrive on the SDK's reader thread; the session's own thread waits in {@link #await}. Every event,
 * whatever its kind, counts as activity for the inactivity timeout.
 */
final class Turn {
    /** Longest tool detail shown on a start or end line. */
    private static final int MAX_DETAIL = 200;
    /** Longest tool result handed on as output when the tool streamed none. */
    private static final int MAX_OUTPUT = 4000;

    private final AgentEventListener listener;
    private final LongSupplier nanoClock;
    private final CompletableFuture<TurnResult> result = new CompletableFuture<>();
    private final Map<String, String> toolNames = new ConcurrentHashMap<>();
    private final Set<String> streamedOutput = ConcurrentHashMap.newKeySet();
    private final StringBuilder deltas = new StringBuilder();
    private volatile long lastEvent;
    private volatile boolean started;
    private volatile String lastMessage;

    Turn(AgentEventListener listener, LongSupplier nanoClock) {
        this.listener = listener;
        this.nanoClock = nanoClock;
        this.lastEvent = nanoClock.getAsLong();
    }

    /** Takes one event of the session. */
    void accept(SessionEvent event) {
        lastEvent = nanoClock.getAsLong();
        if (result.isDone()) {
            return;
        }
        if (event instanceof UserMessageEvent) {
            // An idle that comes before the prompt was taken belongs to an earlier turn.
            started = true;
        } else if (event instanceof AssistantMessageDeltaEvent delta) {
            started = true;
            var data = delta.getData();
            if (data != null
                    && data.parentToolCallId() == null
                    && data.deltaContent() != null
                    && !data.deltaContent().isEmpty()) {
                synchronized (deltas) {
                    deltas.append(data.deltaContent());
                }
                listener.onEvent(new AgentEvent.MessageDelta(data.deltaContent()));
            }
        } else if (event instanceof AssistantMessageEvent message) {
            started = true;
            var data = message.getData();
            if (data != null
                    && data.parentToolCallId() == null
                    && data.content() != null
                    && !data.content().isBlank()) {
                lastMessage = data.content();
            }
        } else if (event instanceof ToolExecutionStartEvent start) {
            started = true;
            var data = start.getData();
            if (data != null) {
                String name = data.toolName() == null ? "tool" : data.toolName();
                String id = data.toolCallId() == null ? name : data.toolCallId();
                toolNames.put(id, name);
                listener.onEvent(new AgentEvent.ToolStart(id, name, describe(data.arguments())));
            }
        } else if (event instanceof ToolExecutionPartialResultEvent partial) {
            var data = partial.getData();
            if (data != null
                    && data.partialOutput() != null
                    && !data.partialOutput().isEmpty()) {
                if (data.toolCallId() != null) {
                    streamedOutput.add(data.toolCallId());
                }
                listener.onEvent(new AgentEvent.Output(AgentEvent.Stream.STDOUT, data.partialOutput()));
            }
        } else if (event instanceof ToolExecutionCompleteEvent complete) {
            var data = complete.getData();
            if (data != null) {
                String id = data.toolCallId() == null ? "tool" : data.toolCallId();
                String name = toolNames.getOrDefault(id, "tool");
                boolean success = Boolean.TRUE.equals(data.success());
                String content = data.result() == null ? null : data.result().content();
                if (content != null && !content.isBlank() && !streamedOutput.contains(id)) {
                    listener.onEvent(new AgentEvent.Output(AgentEvent.Stream.STDOUT, bounded(content, MAX_OUTPUT)));
                }
                String detail = success
                        ? firstLine(content)
                        : (data.error() != null && data.error().message() != null
                                ? firstLine(data.error().message())
                                : "failed");
                listener.onEvent(new AgentEvent.ToolEnd(id, name, success, detail));
            }
        } else if (event instanceof AssistantUsageEvent usage) {
            var data = usage.getData();
            if (data != null) {
                listener.onEvent(new AgentEvent.Usage(
                        tokens(data.inputTokens()), tokens(data.outputTokens()), tokens(data.cacheReadTokens()), null));
            }
        } else if (event instanceof SessionErrorEvent error) {
            String message = errorMessage(error);
            listener.onEvent(new AgentEvent.Error(message));
            var data = error.getData();
            boolean transientFailure = data != null && data.statusCode() != null
                    ? TransientErrors.isTransientStatus(data.statusCode().intValue())
                    : TransientErrors.mentionsTransientHttp(message);
            result.complete(new TurnResult.Failed(message, transientFailure));
        } else if (event instanceof SessionIdleEvent idle) {
            if (!started) {
                return;
            }
            boolean aborted =
                    idle.getData() != null && Boolean.TRUE.equals(idle.getData().aborted());
            if (aborted) {
                result.complete(new TurnResult.Aborted());
            } else {
                listener.onEvent(new AgentEvent.Idle());
                result.complete(new TurnResult.Completed(finalMessage()));
            }
        }
    }

    /** How the turn ended, or {@code null} if it has not ended within {@code wait}. */
    TurnResult await(Duration wait) throws InterruptedException {
        try {
            return result.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a turn is only ever completed with a result", e);
        }
    }

    /** How long no event came. */
    Duration silence() {
        return Duration.ofNanos(nanoClock.getAsLong() - lastEvent);
    }

    /** The agent's last word: its last whole message, else what it streamed. */
    String finalMessage() {
        String message = lastMessage;
        if (message != null) {
            return message;
        }
        synchronized (deltas) {
            return deltas.toString();
        }
    }

    static String errorMessage(SessionErrorEvent error) {
        var data = error.getData();
        if (data == null) {
            return "Copilot reported an error";
        }
        String message = Failures.oneLine(data.message());
        String status = data.statusCode() == null ? "" : " (HTTP " + data.statusCode() + ")";
        return "Copilot reported an error" + status + ": " + (message.isEmpty() ? data.errorType() : message);
    }

    /** A tool call's arguments in a line: the command for a shell, else a path or description, else all of them. */
    static String describe(Object arguments) {
        if (arguments instanceof Map<?, ?> map) {
            for (String key : java.util.List.of("command", "path", "pattern", "url", "description")) {
                Object value = map.get(key);
                if (value != null && !String.valueOf(value).isBlank()) {
                    return firstLine(String.valueOf(value));
                }
            }
            Set<String> parts = new HashSet<>();
            map.forEach((k, v) -> parts.add(k + "=" + v));
            return firstLine(String.join(" ", parts));
        }
        return arguments == null ? "" : firstLine(String.valueOf(arguments));
    }

    private static long tokens(Double n) {
        return n == null ? 0 : Math.round(n);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.strip().lines().findFirst().orElse("");
        return Secrets.redact(bounded(line, MAX_DETAIL));
    }

    private static String bounded(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}
