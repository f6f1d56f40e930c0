class DomainError(Exception):
    """A business rule refused an action. `message` is translatable and shown to the user."""

    def __init__(self, message, **params):
        self.message = message
        self.params = params
        super().__init__(str(message) % params if params else str(message))

    def __str__(self):
        return str(self.message) % self.params if self.params else str(self.message)
