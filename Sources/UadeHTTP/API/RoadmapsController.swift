import Foundation
import HTTPTypes
import Hummingbird
import UadeDomain
import UadeServices

/// Roadmap workbooks over ``RoadmapService``.
struct RoadmapsController: Sendable {
    let service: RoadmapService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("programmes/:code/workbook", use: workbook)
    }

    /// The programme's roadmap as an XLSX workbook, its instructions sheet in `?lang=`.
    @Sendable func workbook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let code = context.parameters.get("code") ?? ""
        let language = try QueryParameters(request: request).language()
        let file = try await APIError.answering { try await service.export(code, by: .caller(caller), language: language) }
        return Response(
            status: .ok,
            headers: [
                .contentType: RoadmapFile.contentType, .contentDisposition: "attachment; filename=\"\(file.fileName)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: .init(bytes: file.data)))
    }
}
