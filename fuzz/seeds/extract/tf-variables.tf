Hvariable "pinecone_account_id" {
  description = "Pinecone's AWS account id, shown in the Pinecone console (Manage > CMEK > Add CMEK)"
  type        = string
}

variable "external_id" {
  description = "A UUID v4 that you also enter in the Pinecone console"
  type        = string
  sensitive   = true
}

variable "pinecone_regions" {
  type    = list(string)
  default = ["us-east-1", "us-west-2", "eu-west-1"]
}
