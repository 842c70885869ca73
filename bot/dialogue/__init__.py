"""What ``domain.yml`` defines that several packages of code must agree on."""
