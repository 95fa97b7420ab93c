package dev.planexec.isolation;

/** Isolation cannot do what was asked; the message says what is wrong and, where it can, what to do. */
public class IsolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IsolationException(String message) {
        super(message);
    }
}
