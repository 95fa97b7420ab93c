package dev.planexec.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what a listener receives, from any thread.
 *
 * <pre>{@code
 * Recorder<AgentEvent> events = new Recorder<>();
 * session.send("", events::add);
 * List<AgentEvent.Output> output = events.ofType(AgentEvent.Output.class);
 * }</pre>
 */
public final class Recorder<T> {
    private final List<T> items = new ArrayList<>();

    public synchronized void add(T item) {
        items.add(item);
    }

    public synchronized List<T> all() {
        return List.copyOf(items);
    }

    public synchronized <U extends T> List<U> ofType(Class<U> type) {
        return items.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
