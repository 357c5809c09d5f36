variable "pinecone_account_id" {
  description = "Pinecone's AWS account id, shown in the Pinecone console (Manage > CMEK > Add CMEK)"
  type        = string
  default     = "905418236187"
}

variable "external_id" {
  description = "The external ID you also enter in the Pinecone console"
  type        = string
  default     = "pinecone-external-id"
}

variable "pinecone_regions" {
  type    = list(string)
  default = ["us-east-1", "us-west-2"]
}
