package dev.planexec.agent;

import java.util.regex.Pattern;

/**
 * Recognises, in an error an agent reported, the failures worth trying again: the model's server answered HTTP 429
 * (too many requests) or a 5xx, or said it is overloaded or rate-limited. Backends that get a status code as a number
 * use {@link #isTransientStatus}; those that only get text use {@link #mentionsTransientHttp}.
 */
public final class TransientErrors {
    private static final Pattern HTTP =
            Pattern.compile("(?i)(?:\\bhttp|\\bstatus|\\bcode|\\berror|\\bapi error)\\D{0,12}\\b(429|5\\d\\d)\\b"
                    + "|\\brate[ _-]?limit|\\boverloaded|\\btoo many requests\\b|\\binternal server error\\b"
                    + "|\\bservice unavailable\\b|\\bbad gateway\\b");

    private TransientErrors() {}

    public static boolean isTransientStatus(int status) {
        return status == 429 || (status >= 500 && status <= 599);
    }

    public static boolean mentionsTransientHttp(String error) {
        return error != null && HTTP.matcher(error).find();
    }
}
