resource "retivo_webhook_endpoint" "orders" {
  url               = "https://hooks.example.com/retivo"
  subscribed_events = ["order.created", "order.paid"]
}

# The CI gate: every plan and apply sends the endpoint one signed test
# event. A failed delivery, or any error of the test call, is a warning:
# the gate never fails a plan or an apply (see "Failing a pipeline").
check "orders_endpoint_delivers" {
  data "retivo_webhook_endpoint_test" "orders" {
    endpoint_id = retivo_webhook_endpoint.orders.id
  }

  assert {
    condition     = data.retivo_webhook_endpoint_test.orders.success
    error_message = "Retivo's test event to ${retivo_webhook_endpoint.orders.url} failed: ${data.retivo_webhook_endpoint_test.orders.error}"
  }
}
