package dev.planexec.it;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command with SIGINT and SIGTERM at their default disposition. A test run started as a background job of a
 * non-interactive shell inherits SIGINT ignored (POSIX), and a JVM started with SIGINT ignored rightly never handles
 * it, as {@code nohup} wants: without this, the Ctrl+C tests would depend on how the test runner was launched.
 * {@code perl} is part of every Debian system (perl-base is essential).
 */
public final class DefaultSignals {
    private DefaultSignals() {}

    public static List<String> command(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(
                "perl",
                "-e",
                "$SIG{INT} = $SIG{TERM} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\""));
        wrapped.addAll(command);
        return wrapped;
    }
}
