terraform {
  required_providers {
    retivo = {
      source = "retivo/retivo"
    }
  }
}

# The API key is best left to the RETIVO_API_KEY environment variable, so it
# never appears in the configuration. rt_test_ keys work in test mode,
# rt_live_ keys in live mode.
provider "retivo" {}

# Or explicitly, from a sensitive variable:
variable "retivo_api_key" {
  type      = string
  sensitive = true
  default   = null
}

provider "retivo" {
  alias       = "explicit"
  api_key     = var.retivo_api_key
  base_url    = "https://retivo.ai/api"
  max_retries = 5
}
