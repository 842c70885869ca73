"""Text rules with no Rasa and no database: Turkish normalisation, order numbers and
contacts, masking of personal data, formatting of money and dates, shoppers' phrases."""
