"""Running Asistan: the environment Rasa gets, the process list, supervision, training and
the balancer's configuration. Nothing here takes part in a shopper's turn."""
