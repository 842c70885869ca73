-- The schema of release 37e086e (the last before migrations), as its models created it on postgresql.
-- Generated from that commit's metadata; frozen test data for tests/schema/test_migrate.py.

CREATE TABLE agents (
	id SERIAL NOT NULL, 
	username VARCHAR(60) NOT NULL, 
	display_name VARCHAR(80) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	is_supervisor BOOLEAN NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);

CREATE TABLE categories (
	slug VARCHAR(40) NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	returnable BOOLEAN NOT NULL, 
	keywords TEXT NOT NULL, 
	PRIMARY KEY (slug)
);

CREATE TABLE coupons (
	code VARCHAR(30) NOT NULL, 
	description VARCHAR(200) NOT NULL, 
	percent_off INTEGER, 
	amount_off BIGINT, 
	min_order_total BIGINT NOT NULL, 
	valid_until DATE NOT NULL, 
	active BOOLEAN NOT NULL, 
	PRIMARY KEY (code)
);

CREATE TABLE customers (
	id SERIAL NOT NULL, 
	full_name VARCHAR(120) NOT NULL, 
	email VARCHAR(254) NOT NULL, 
	phone VARCHAR(10) NOT NULL, 
	city VARCHAR(60) NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (email)
);

CREATE INDEX ix_customers_phone ON customers (phone);

CREATE TABLE inbound_messages (
	message_id VARCHAR(160) NOT NULL, 
	channel VARCHAR(20) NOT NULL, 
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (message_id)
);

CREATE INDEX ix_inbound_messages_received_at ON inbound_messages (received_at);

CREATE TABLE policies (
	key VARCHAR(60) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY (key)
);

CREATE TABLE satisfaction_ratings (
	id SERIAL NOT NULL, 
	conversation_id VARCHAR(255) NOT NULL, 
	task VARCHAR(40) NOT NULL, 
	score INTEGER NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_satisfaction_ratings_conversation_id ON satisfaction_ratings (conversation_id);

CREATE INDEX ix_satisfaction_ratings_created_at ON satisfaction_ratings (created_at);

CREATE TABLE agent_sessions (
	token_hash VARCHAR(64) NOT NULL, 
	agent_id INTEGER NOT NULL, 
	csrf_token VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	expires_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (token_hash), 
	FOREIGN KEY(agent_id) REFERENCES agents (id)
);

CREATE INDEX ix_agent_sessions_agent_id ON agent_sessions (agent_id);

CREATE TABLE orders (
	id BIGINT NOT NULL, 
	customer_id INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	placed_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	subtotal BIGINT NOT NULL, 
	shipping_fee BIGINT NOT NULL, 
	total BIGINT NOT NULL, 
	payment_method VARCHAR(30) NOT NULL, 
	shipping_address TEXT NOT NULL, 
	cancelled_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(customer_id) REFERENCES customers (id)
);

CREATE INDEX ix_orders_customer_placed ON orders (customer_id, placed_at);

CREATE TABLE products (
	id SERIAL NOT NULL, 
	sku VARCHAR(20) NOT NULL, 
	name VARCHAR(160) NOT NULL, 
	category_slug VARCHAR(40) NOT NULL, 
	brand VARCHAR(60) NOT NULL, 
	price BIGINT NOT NULL, 
	stock INTEGER NOT NULL, 
	rating FLOAT NOT NULL, 
	rating_count INTEGER NOT NULL, 
	tags TEXT NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (sku), 
	FOREIGN KEY(category_slug) REFERENCES categories (slug)
);

CREATE INDEX ix_products_category_slug ON products (category_slug);

CREATE TABLE order_lines (
	id SERIAL NOT NULL, 
	order_id BIGINT NOT NULL, 
	product_id INTEGER NOT NULL, 
	quantity INTEGER NOT NULL, 
	unit_price BIGINT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	FOREIGN KEY(product_id) REFERENCES products (id)
);

CREATE INDEX ix_order_lines_order_id ON order_lines (order_id);

CREATE INDEX ix_order_lines_product_id ON order_lines (product_id);

CREATE TABLE returns (
	id SERIAL NOT NULL, 
	code VARCHAR(20) NOT NULL, 
	order_id BIGINT NOT NULL, 
	reason VARCHAR(40) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	priority BOOLEAN NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code), 
	FOREIGN KEY(order_id) REFERENCES orders (id)
);

CREATE INDEX ix_returns_order_id ON returns (order_id);

CREATE TABLE shipments (
	id SERIAL NOT NULL, 
	order_id BIGINT NOT NULL, 
	carrier VARCHAR(40) NOT NULL, 
	tracking_number VARCHAR(30) NOT NULL, 
	shipped_at TIMESTAMP WITHOUT TIME ZONE, 
	estimated_delivery DATE, 
	delivered_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (order_id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	UNIQUE (tracking_number)
);

CREATE TABLE tickets (
	id SERIAL NOT NULL, 
	conversation_id VARCHAR(255) NOT NULL, 
	channel VARCHAR(40) NOT NULL, 
	customer_id INTEGER, 
	order_id BIGINT, 
	reason VARCHAR(40) NOT NULL, 
	priority INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	summary TEXT NOT NULL, 
	sentiment_trail TEXT NOT NULL, 
	callback_contact VARCHAR(254), 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	assigned_at TIMESTAMP WITHOUT TIME ZONE, 
	agent_id INTEGER, 
	resolved_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	FOREIGN KEY(customer_id) REFERENCES customers (id), 
	FOREIGN KEY(order_id) REFERENCES orders (id), 
	FOREIGN KEY(agent_id) REFERENCES agents (id)
);

CREATE INDEX ix_tickets_conversation_id ON tickets (conversation_id);

CREATE INDEX ix_tickets_queue ON tickets (status, priority, created_at);

CREATE TABLE refunds (
	id SERIAL NOT NULL, 
	return_id INTEGER NOT NULL, 
	amount BIGINT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	promised_date DATE NOT NULL, 
	paid_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (return_id), 
	FOREIGN KEY(return_id) REFERENCES returns (id)
);

CREATE TABLE return_lines (
	id SERIAL NOT NULL, 
	return_id INTEGER NOT NULL, 
	order_line_id INTEGER NOT NULL, 
	quantity INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(return_id) REFERENCES returns (id), 
	FOREIGN KEY(order_line_id) REFERENCES order_lines (id)
);

CREATE INDEX ix_return_lines_order_line_id ON return_lines (order_line_id);

CREATE INDEX ix_return_lines_return_id ON return_lines (return_id);

CREATE TABLE shipment_events (
	id SERIAL NOT NULL, 
	shipment_id INTEGER NOT NULL, 
	occurred_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	code VARCHAR(40) NOT NULL, 
	description VARCHAR(200) NOT NULL, 
	location VARCHAR(120), 
	PRIMARY KEY (id), 
	FOREIGN KEY(shipment_id) REFERENCES shipments (id)
);

CREATE INDEX ix_shipment_events_shipment_id ON shipment_events (shipment_id);
